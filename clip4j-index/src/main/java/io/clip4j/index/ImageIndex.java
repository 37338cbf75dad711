package io.clip4j.index;

import io.clip4j.model.EmbeddingModel;
import io.clip4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Folder search: a persistent, incremental index of the images under some folders, embedded by one
 * {@link EmbeddingModel} (CLIP or SigLIP), searched by text, by image, or by weighted combinations.
 *
 * <pre>{@code
 * try (EmbeddingModel model = Models.loadEmbedding(modelDir, null, Kernels.get());
 *      ImageIndex index = ImageIndex.openOrCreate(indexDir, model)) {
 *     UpdateResult r = index.update(List.of(photos), UpdateOptions.defaults(), UpdateListener.NONE);
 *     List<Hit> hits = index.search(SearchQuery.text("a red bicycle").minusText("a car"), 10);
 * }
 * }</pre>
 *
 * <p>The index lives in a directory (a Lucene index): per file its absolute path, size, modification time,
 * SHA-256 and embedding, plus the model's identity. An index only ever holds one model's vectors: opening
 * it with another model fails with an {@link IndexException} naming both. Updates commit every few seconds,
 * so a crash or {@code kill -9} loses at most the files since the last commit and the next update completes
 * the rest. Vectors may be up to {@value WideHnswVectorsFormat#MAX_DIMENSIONS} wide.
 *
 * <p>Search is approximate (HNSW) with exact re-scoring, or fully exact on request; scores are cosine
 * similarities. One process may update an index while others search it (they see the last commit).
 */
public final class ImageIndex implements AutoCloseable {

    /** HNSW candidates fetched per query before exact re-scoring, unless more results are asked for. */
    public static final int DEFAULT_FAN_OUT = 100;

    private final VectorIndex vectors;
    private final EmbeddingModel model;

    private ImageIndex(VectorIndex vectors, EmbeddingModel model) {
        this.vectors = vectors;
        this.model = model;
    }

    /** The identity an index records for {@code model}. */
    public static IndexIdentity identityOf(EmbeddingModel model) {
        Path dir = model.files().dir();
        String name = dir == null || dir.getFileName() == null ? model.files().weights().toString()
                : dir.getFileName().toString();
        return new IndexIdentity(model.files().fingerprint(), model.family(), model.embedDim(), name);
    }

    /**
     * Opens an existing index for searching.
     *
     * @throws IndexException if {@code dir} holds no index, or one built with another model
     */
    public static ImageIndex open(Path dir, EmbeddingModel model) {
        return new ImageIndex(VectorIndex.open(dir, identityOf(model), VectorIndex.Mode.READ, HnswParams.DEFAULT), model);
    }

    /**
     * Opens an index for updating and searching, creating it if {@code dir} is new or empty. Only one
     * process at a time can hold an index open this way.
     *
     * @throws IndexException if the index was built with another model, {@code dir} holds something else,
     *                        or another process is updating it
     */
    public static ImageIndex openOrCreate(Path dir, EmbeddingModel model) {
        return openOrCreate(dir, model, HnswParams.DEFAULT);
    }

    /** As {@link #openOrCreate(Path, EmbeddingModel)}, building new graph segments with {@code params}. */
    public static ImageIndex openOrCreate(Path dir, EmbeddingModel model, HnswParams params) {
        return new ImageIndex(VectorIndex.open(dir, identityOf(model), VectorIndex.Mode.WRITE, params), model);
    }

    /**
     * Brings the index up to date with the image files (jpg, jpeg, png, gif, bmp, webp; any case) under
     * {@code roots}: new and changed files are embedded, entries of deleted files under the roots are
     * removed, unchanged files are skipped. Entries outside the roots are left alone. Files that cannot be
     * read or decoded are skipped and reported in the result, never fatal.
     *
     * @throws IllegalArgumentException if a root does not exist
     * @throws IllegalStateException    if the index was opened with {@link #open} (read-only)
     */
    public UpdateResult update(List<Path> roots, UpdateOptions options, UpdateListener listener) {
        Objects.requireNonNull(options, "options");
        return new Indexer(vectors, model, options, listener).run(roots);
    }

    /** The best {@code k} images for {@code query}: HNSW candidates re-scored exactly. */
    public List<Hit> search(SearchQuery query, int k) {
        return search(query, k, DEFAULT_FAN_OUT, false);
    }

    /**
     * The best {@code k} images for {@code query}, best first, scored by exact cosine similarity.
     *
     * @param fanOut HNSW candidates to re-score ({@code max(k, fanOut)} are fetched); more is slower and
     *               finds more of the true best
     * @param exact  compare with every vector instead (slow on large indexes; the reference for recall)
     */
    public List<Hit> search(SearchQuery query, int k, int fanOut, boolean exact) {
        float[] q = queryVector(query);
        return exact ? vectors.searchExact(q, k) : vectors.search(q, k, fanOut);
    }

    /**
     * The normalised query vector: {@code sum(weight_i * embedding_i)}, each embedding normalised.
     *
     * @throws IllegalArgumentException if the query has no terms or its terms cancel out
     */
    public float[] queryVector(SearchQuery query) {
        List<SearchQuery.Term> terms = query.terms();
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("the query has no text or image");
        }
        List<String> texts = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        for (SearchQuery.Term t : terms) {
            if (t.kind() == SearchQuery.Kind.TEXT) {
                texts.add(t.text());
            } else {
                images.add(t.image());
            }
        }
        if (!texts.isEmpty() && !model.hasText()) {
            throw new IllegalArgumentException("the model " + identityOf(model).describe()
                    + " has no text tower: search it with images only");
        }
        Tensor te = texts.isEmpty() ? null : model.embedTexts(texts);
        Tensor ie = images.isEmpty() ? null : model.embedImages(images);
        int d = model.embedDim();
        double[] sum = new double[d];
        int ti = 0;
        int ii = 0;
        for (SearchQuery.Term t : terms) {
            float[] e = t.kind() == SearchQuery.Kind.TEXT ? te.row(ti++) : ie.row(ii++);
            for (int j = 0; j < d; j++) {
                sum[j] += t.weight() * e[j];
            }
        }
        double norm = 0;
        for (double v : sum) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        if (!(norm > 1e-6)) {
            throw new IllegalArgumentException("the query terms cancel out (their weighted sum is zero): " + query);
        }
        float[] q = new float[d];
        for (int j = 0; j < d; j++) {
            q[j] = (float) (sum[j] / norm);
        }
        return q;
    }

    /** Number of searchable images. */
    public int size() {
        return vectors.size();
    }

    /** The model the index was built with. */
    public IndexIdentity identity() {
        return vectors.identity();
    }

    /** The underlying vector store (entries, exact search, snapshots). */
    public VectorIndex vectors() {
        return vectors;
    }

    /** Closes the index (not the model). Anything not yet committed by an update is dropped. */
    @Override
    public void close() {
        vectors.close();
    }
}
