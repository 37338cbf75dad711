package io.clip4j.index;

import io.clip4j.tensor.Parallel;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A persistent store of keyed, L2-normalised vectors with file metadata, in a Lucene index: an HNSW graph
 * for approximate search (re-scored exactly), a brute-force exact search over the same vectors, and the
 * identity of the model the vectors come from. {@link ImageIndex} builds folder search on it; it is public
 * so that benchmarks and other callers can fill it with vectors from anywhere.
 *
 * <p>Writes go to a Lucene {@link IndexWriter} (thread-safe; opened only by {@link Mode#WRITE}, which
 * holds the directory's write lock) and become durable at {@link #commit()}: a crash loses only what was
 * written since the last commit. Reads see everything written so far, committed or not.
 */
public final class VectorIndex implements AutoCloseable {

    /** How an index directory is opened. */
    public enum Mode {
        /** Search only; the index must exist. Several readers and one writer may share a directory. */
        READ,
        /** Search and write; the index is created if the directory is new or empty. */
        WRITE
    }

    static final String F_PATH = "path";
    static final String F_SIZE = "size";
    static final String F_MTIME = "mtime";
    static final String F_SHA256 = "sha256";
    static final String F_ERROR = "error";
    static final String F_VECTOR = "vector";
    /** In-memory buffer of an index writer before it writes a segment. */
    public static final double DEFAULT_RAM_BUFFER_MB = 256;
    private static final Set<String> META_FIELDS = Set.of(F_PATH, F_SIZE, F_MTIME, F_SHA256, F_ERROR);

    private final Path dir;
    private final Directory directory;
    private final IndexIdentity identity;
    private final IndexWriter writer;
    private DirectoryReader reader;

    private VectorIndex(Path dir, Directory directory, IndexIdentity identity, IndexWriter writer) throws IOException {
        this.dir = dir;
        this.directory = directory;
        this.identity = identity;
        this.writer = writer;
        this.reader = writer != null ? DirectoryReader.open(writer) : DirectoryReader.open(directory);
    }

    /**
     * Opens the index in {@code dir} for vectors of {@code model}.
     *
     * @throws IndexException if there is no index ({@link Mode#READ}), the directory holds something else,
     *                        the index was built with another model, or another process is writing it
     */
    public static VectorIndex open(Path dir, IndexIdentity model, Mode mode, HnswParams params) {
        return open(dir, model, mode, params, DEFAULT_RAM_BUFFER_MB);
    }

    /**
     * As {@link #open(Path, IndexIdentity, Mode, HnswParams)}, buffering up to {@code ramBufferMB} of new
     * vectors and graph in memory before writing a segment (bulk loads: fewer, larger segments to search).
     */
    public static VectorIndex open(Path dir, IndexIdentity model, Mode mode, HnswParams params, double ramBufferMB) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IndexException(abs + ": is a file, not an index directory");
        }
        Directory directory = null;
        try {
            boolean exists = Files.isDirectory(abs) && DirectoryReader.indexExists(directory = FSDirectory.open(abs));
            if (!exists) {
                if (mode == Mode.READ) {
                    throw new IndexException(abs + ": no index here (create one with 'clip4j index')");
                }
                if (Files.isDirectory(abs) && !isEmpty(abs)) {
                    throw new IndexException(abs + ": the directory is not empty and holds no index; "
                            + "give a new or empty directory for the index");
                }
                Files.createDirectories(abs);
            }
            if (directory == null) {
                directory = FSDirectory.open(abs);
            }
            if (exists) {
                checkIdentity(abs, directory, model);
            }
            IndexWriter writer = null;
            if (mode == Mode.WRITE) {
                writer = openWriter(abs, directory, params, ramBufferMB);
                if (!exists) {
                    writer.setLiveCommitData(model.toCommitData().entrySet());
                    writer.commit();
                }
            }
            return new VectorIndex(abs, directory, model, writer);
        } catch (IOException e) {
            closeQuietly(directory);
            throw new IndexException(abs + ": cannot open the index: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(directory);
            throw e;
        }
    }

    /** The model identity recorded in the index in {@code dir} (to report or check before loading a model). */
    public static IndexIdentity readIdentity(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new IndexException(abs + ": no index here (create one with 'clip4j index')");
        }
        try (Directory d = FSDirectory.open(abs)) {
            if (!DirectoryReader.indexExists(d)) {
                throw new IndexException(abs + ": no index here (create one with 'clip4j index')");
            }
            return recordedIdentity(abs, d);
        } catch (IOException e) {
            throw new IndexException(abs + ": cannot read the index: " + e.getMessage(), e);
        }
    }

    private static IndexIdentity recordedIdentity(Path abs, Directory d) throws IOException {
        Map<String, String> data;
        try (DirectoryReader r = DirectoryReader.open(d)) {
            data = r.getIndexCommit().getUserData();
        }
        IndexIdentity found = IndexIdentity.fromCommitData(data);
        if (found == null) {
            throw new IndexException(abs + ": a Lucene index, but not one written by clip4j (no model identity)");
        }
        return found;
    }

    private static void checkIdentity(Path abs, Directory d, IndexIdentity model) throws IOException {
        IndexIdentity found = recordedIdentity(abs, d);
        if (!found.sameModel(model)) {
            throw new IndexException("the index " + abs + " was built with model " + found.describe()
                    + ", not with " + model.describe() + ": use the model it was built with, "
                    + "or give another --index directory for this model");
        }
    }

    private static IndexWriter openWriter(Path abs, Directory directory, HnswParams params, double ramBufferMB)
            throws IOException {
        IndexWriterConfig cfg = new IndexWriterConfig()
                .setCodec(new IndexCodec(params))
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                // vectors are most of the data: a large buffer gives fewer, larger segments (fewer graphs to search)
                .setRAMBufferSizeMB(ramBufferMB)
                .setCommitOnClose(false);
        try {
            return new IndexWriter(directory, cfg);
        } catch (LockObtainFailedException e) {
            throw new IndexException(abs + ": the index is being updated by another process (its write.lock is held)", e);
        }
    }

    private static boolean isEmpty(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }

    /** The index directory. */
    public Path directory() {
        return dir;
    }

    /** The model the vectors come from. */
    public IndexIdentity identity() {
        return identity;
    }

    // ------------------------------------------------------------------ writing

    /**
     * Adds or replaces the entry of {@code meta.path()}. {@code vector} is required for a successful entry
     * and must be null for a failed one; it is L2-normalised here (a copy), and must have the index's width.
     */
    public void put(IndexedFile meta, float[] vector) {
        Document doc = new Document();
        doc.add(new StringField(F_PATH, meta.path(), Field.Store.YES));
        doc.add(new StoredField(F_SIZE, meta.size()));
        doc.add(new StoredField(F_MTIME, meta.mtimeNanos()));
        if (meta.sha256() != null) {
            doc.add(new StoredField(F_SHA256, meta.sha256()));
        }
        if (meta.failed()) {
            if (vector != null) {
                throw new IllegalArgumentException(meta.path() + ": a failed entry has no vector");
            }
            doc.add(new StoredField(F_ERROR, meta.error()));
        } else {
            doc.add(new KnnFloatVectorField(F_VECTOR, normalized(vector), VectorSimilarityFunction.DOT_PRODUCT));
        }
        try {
            requireWriter().updateDocument(new Term(F_PATH, meta.path()), doc);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write: " + e.getMessage(), e);
        }
    }

    private float[] normalized(float[] vector) {
        if (vector == null) {
            throw new IllegalArgumentException("an entry without error needs a vector");
        }
        if (vector.length != identity.dimension()) {
            throw new IllegalArgumentException("vector has " + vector.length + " values, the index holds "
                    + identity.dimension() + "-d vectors");
        }
        double n = 0;
        for (float v : vector) {
            n += (double) v * v;
        }
        if (!(n > 0) || !Double.isFinite(n)) {
            throw new IllegalArgumentException("vector is zero or not finite; cannot be normalised");
        }
        float[] out = new float[vector.length];
        float inv = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < out.length; i++) {
            out[i] = vector[i] * inv;
        }
        return out;
    }

    /** Removes the entry of {@code path} if there is one. */
    public void delete(String path) {
        try {
            requireWriter().deleteDocuments(new Term(F_PATH, path));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Makes everything written so far durable (a crash after this loses none of it). */
    public void commit() {
        try {
            IndexWriter w = requireWriter();
            w.setLiveCommitData(identity.toCommitData().entrySet());
            w.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot commit: " + e.getMessage(), e);
        }
    }

    /** Number of segments (each has its own HNSW graph, searched in turn). */
    public int segmentCount() {
        return withSearcher(s -> s.getIndexReader().leaves().size());
    }

    /** Merges the index down to at most {@code segments} segments (fewer graphs to search; slow). */
    public void forceMerge(int segments) {
        try {
            requireWriter().forceMerge(segments);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot merge: " + e.getMessage(), e);
        }
    }

    private IndexWriter requireWriter() {
        if (writer == null) {
            throw new IllegalStateException(dir + ": the index was opened for reading only");
        }
        return writer;
    }

    // ------------------------------------------------------------------ reading

    /** The latest view of the index, its reference count raised: release it with {@code decRef()}. */
    private synchronized DirectoryReader acquire() {
        try {
            DirectoryReader fresh = writer != null ? DirectoryReader.openIfChanged(reader, writer)
                    : DirectoryReader.openIfChanged(reader);
            if (fresh != null) {
                reader.decRef();
                reader = fresh;
            }
            reader.incRef();
            return reader;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Runs {@code body} on the latest view of the index, which stays open (and unchanged) meanwhile. */
    private <R> R withSearcher(IoFunction<IndexSearcher, R> body) {
        DirectoryReader r = acquire();
        try {
            return body.apply(new IndexSearcher(r));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read: " + e.getMessage(), e);
        } finally {
            try {
                r.decRef();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private interface IoFunction<A, R> {
        R apply(A a) throws IOException;
    }

    /**
     * A fixed view of the index as it is now; later writes do not show in it. Close it when done.
     * Thread-safe.
     */
    public Snapshot snapshot() {
        return new Snapshot(acquire());
    }

    /** A point-in-time view of the index (see {@link #snapshot()}). */
    public static final class Snapshot implements AutoCloseable {
        private final DirectoryReader reader;
        private final IndexSearcher searcher;

        private Snapshot(DirectoryReader reader) {
            this.reader = reader;
            this.searcher = new IndexSearcher(reader);
        }

        /** The stored (normalised) vector of {@code path}, or null if there is none. */
        public float[] vector(String path) {
            try {
                return storedVector(searcher, path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                reader.decRef();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Number of entries with a vector (searchable). */
    public int size() {
        return withSearcher(s -> {
            int n = 0;
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                n += liveVectorCount(leaf.reader());
            }
            return n;
        });
    }

    private static int liveVectorCount(LeafReader r) {
        try {
            FloatVectorValues v = r.getFloatVectorValues(F_VECTOR);
            if (v == null) {
                return 0;
            }
            Bits live = r.getLiveDocs();
            if (live == null) {
                return v.size();
            }
            int n = 0;
            KnnVectorValues.DocIndexIterator it = v.iterator();
            for (int d = it.nextDoc(); d != KnnVectorValues.DocIndexIterator.NO_MORE_DOCS; d = it.nextDoc()) {
                if (live.get(d)) {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every entry (with or without a vector), keyed by path. */
    public Map<String, IndexedFile> entries() {
        return entries(p -> true);
    }

    /** The entries whose path satisfies {@code filter}, keyed by path. */
    public Map<String, IndexedFile> entries(Predicate<String> filter) {
        return withSearcher(s -> {
            Map<String, IndexedFile> out = new HashMap<>();
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                LeafReader r = leaf.reader();
                Bits live = r.getLiveDocs();
                StoredFields sf = r.storedFields();
                for (int d = 0; d < r.maxDoc(); d++) {
                    if (live != null && !live.get(d)) {
                        continue;
                    }
                    IndexedFile f = toEntry(sf.document(d, META_FIELDS));
                    if (filter.test(f.path())) {
                        out.put(f.path(), f);
                    }
                }
            }
            return out;
        });
    }

    private static IndexedFile toEntry(Document d) {
        return new IndexedFile(d.get(F_PATH), longValue(d, F_SIZE), longValue(d, F_MTIME), d.get(F_SHA256),
                d.get(F_ERROR));
    }

    private static long longValue(Document d, String field) {
        IndexableField f = d.getField(field);
        return f == null || f.numericValue() == null ? -1 : f.numericValue().longValue();
    }

    /** The stored (normalised) vector of {@code path}, or null if it has none. */
    public float[] vector(String path) {
        return withSearcher(s -> storedVector(s, path));
    }

    private static float[] storedVector(IndexSearcher s, String path) throws IOException {
        TopDocs td = s.search(new TermQuery(new Term(F_PATH, path)), 1);
        if (td.scoreDocs.length == 0) {
            return null;
        }
        int doc = td.scoreDocs[0].doc;
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        FloatVectorValues v = leaf.reader().getFloatVectorValues(F_VECTOR);
        if (v == null) {
            return null;
        }
        KnnVectorValues.DocIndexIterator it = v.iterator();
        int local = doc - leaf.docBase;
        return it.advance(local) == local ? v.vectorValue(it.index()).clone() : null;
    }

    /**
     * Approximate search: the HNSW graphs give the {@code max(k, fanOut)} nearest candidates, which are then
     * re-scored exactly (cosine against the stored vectors) and the best {@code k} returned, best first.
     * A larger {@code fanOut} explores more of the graph: higher recall, slower.
     */
    public List<Hit> search(float[] query, int k, int fanOut) {
        float[] q = checkQuery(query, k);
        int candidates = Math.max(k, fanOut);
        return withSearcher(s -> {
            TopDocs td = s.search(new KnnFloatVectorQuery(F_VECTOR, q, candidates), candidates);
            TopK top = new TopK(k);
            rescore(s, td.scoreDocs, q, top);
            return toHits(s, top);
        });
    }

    private static void rescore(IndexSearcher s, ScoreDoc[] docs, float[] q, TopK top) throws IOException {
        ScoreDoc[] sorted = docs.clone();
        java.util.Arrays.sort(sorted, Comparator.comparingInt(sd -> sd.doc));
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        int i = 0;
        while (i < sorted.length) {
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sorted[i].doc, leaves));
            int end = leaf.docBase + leaf.reader().maxDoc();
            FloatVectorValues v = leaf.reader().getFloatVectorValues(F_VECTOR);
            KnnVectorValues.DocIndexIterator it = v == null ? null : v.iterator();
            for (; i < sorted.length && sorted[i].doc < end; i++) {
                int local = sorted[i].doc - leaf.docBase;
                if (it != null && (it.docID() == local || (it.docID() < local && it.advance(local) == local))) {
                    top.offer(sorted[i].doc, cosine(q, v.vectorValue(it.index())));
                }
            }
        }
    }

    /**
     * Exact search: the cosine of {@code query} with every stored vector (brute force, spread over the
     * compute threads), the best {@code k}, best first. The reference for measuring the HNSW recall.
     */
    public List<Hit> searchExact(float[] query, int k) {
        float[] q = checkQuery(query, k);
        return withSearcher(s -> exact(s, q, k));
    }

    private static List<Hit> exact(IndexSearcher s, float[] q, int k) throws IOException {
        record Chunk(LeafReaderContext leaf, int from, int to) {
        }
        List<Chunk> chunks = new ArrayList<>();
        int chunkSize = 1 << 15;
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            FloatVectorValues v = leaf.reader().getFloatVectorValues(F_VECTOR);
            if (v != null) {
                for (int from = 0; from < v.size(); from += chunkSize) {
                    chunks.add(new Chunk(leaf, from, Math.min(v.size(), from + chunkSize)));
                }
            }
        }
        TopK[] partial = new TopK[chunks.size()];
        // a few extra candidates, so that float rounding in the ranking cannot push a true top-k entry out
        int keep = k + 16;
        Parallel.forRange(chunks.size(), c -> {
            Chunk ch = chunks.get(c);
            TopK t = new TopK(keep);
            try {
                LeafReader r = ch.leaf().reader();
                FloatVectorValues v = r.getFloatVectorValues(F_VECTOR);
                Bits live = r.getLiveDocs();
                for (int ord = ch.from(); ord < ch.to(); ord++) {
                    int doc = v.ordToDoc(ord);
                    if (live == null || live.get(doc)) {
                        // the SIMD dot product ranks; ties and near-ties are settled by the exact cosine below
                        t.offer(ch.leaf().docBase + doc, VectorUtil.dotProduct(q, v.vectorValue(ord)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            partial[c] = t;
        });
        TopK merged = new TopK(keep);
        for (TopK t : partial) {
            merged.addAll(t);
        }
        ScoreDoc[] docs = merged.best().stream().map(b -> new ScoreDoc(b.doc(), 0f)).toArray(ScoreDoc[]::new);
        TopK exact = new TopK(k);
        rescore(s, docs, q, exact);
        return toHits(s, exact);
    }

    private float[] checkQuery(float[] query, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        return normalized(query);
    }

    /** Cosine in double precision: the stored vectors are normalised, but not exactly to the last bit. */
    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static List<Hit> toHits(IndexSearcher s, TopK top) throws IOException {
        List<Hit> hits = new ArrayList<>();
        StoredFields sf = s.getIndexReader().storedFields();
        for (TopK.Scored sc : top.best()) {
            hits.add(new Hit(sf.document(sc.doc(), Set.of(F_PATH)).get(F_PATH), sc.score()));
        }
        return hits;
    }

    /** Closes the reader and, without committing, the writer (what was not committed is dropped). */
    @Override
    public synchronized void close() {
        try {
            reader.decRef();
            if (writer != null) {
                writer.rollback();
            }
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot close the index: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Directory d) {
        if (d != null) {
            try {
                d.close();
            } catch (IOException ignored) {
                // already failing with a better message
            }
        }
    }
}
