package io.clip4j.index;

import io.clip4j.image.ImageDecodeException;
import io.clip4j.image.ImageLoader;
import io.clip4j.image.PixelValues;
import io.clip4j.image.Preprocessor;
import io.clip4j.model.EmbeddingModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One incremental update of an {@link ImageIndex}: scan, compare with the index, delete what is gone,
 * embed what is new or changed, commit as it goes.
 *
 * <p>A file is unchanged if its size and modification time equal the recorded ones. Otherwise it is read
 * and hashed: the same content hash as recorded means only its metadata changed (touched, copied back),
 * and the stored vector is kept; anything else is decoded and embedded. Files that cannot be read or
 * decoded are recorded as failed entries (no vector) so that an unchanged broken file is reported again
 * without being decoded again.
 */
final class Indexer {

    /** One new or changed file; the decoder thread fills in the outcome, the updating thread reads it. */
    private static final class Work {
        final FileStat stat;
        final IndexedFile previous;
        String sha256;
        String error;
        boolean sameContent;

        Work(FileStat stat, IndexedFile previous) {
            this.stat = stat;
            this.previous = previous;
        }

        String path() {
            return stat.path().toString();
        }

        IndexedFile entry() {
            return new IndexedFile(path(), stat.size(), stat.mtimeNanos(), sha256, error);
        }
    }

    private final VectorIndex vectors;
    private final EmbeddingModel model;
    private final UpdateOptions options;
    private final UpdateListener listener;
    private final ImageLoader loader = new ImageLoader();
    private final Preprocessor preprocessor;

    private final List<SkippedFile> skipped = new ArrayList<>();
    private int added;
    private int updated;
    private int unchanged;
    private int processed;
    private int sinceCommit;
    private long lastCommit = System.nanoTime();

    Indexer(VectorIndex vectors, EmbeddingModel model, UpdateOptions options, UpdateListener listener) {
        this.vectors = vectors;
        this.model = model;
        this.options = options;
        this.listener = listener == null ? UpdateListener.NONE : listener;
        this.preprocessor = new Preprocessor(model.preprocessConfig());
    }

    UpdateResult run(List<Path> roots) {
        long start = System.nanoTime();
        List<Path> absRoots = new ArrayList<>();
        for (Path r : roots) {
            Path abs = r.toAbsolutePath().normalize();
            if (!Files.exists(abs)) {
                throw new IllegalArgumentException(r + ": no such folder");
            }
            absRoots.add(abs);
        }
        if (absRoots.isEmpty()) {
            throw new IllegalArgumentException("give at least one folder to index");
        }
        FolderScan.Result scan = FolderScan.scan(absRoots, vectors.directory());
        scan.problems().forEach(this::skip);

        Map<String, IndexedFile> known = vectors.entries(p -> under(p, absRoots));
        Set<String> seen = new HashSet<>();
        List<Work> work = new ArrayList<>();
        for (FileStat f : scan.files()) {
            String p = f.path().toString();
            seen.add(p);
            IndexedFile prev = known.get(p);
            if (prev != null && prev.size() == f.size() && prev.mtimeNanos() == f.mtimeNanos()) {
                if (prev.failed()) {
                    skip(new SkippedFile(p, prev.error() + " (unchanged since the last run)"));
                } else {
                    unchanged++;
                }
            } else {
                work.add(new Work(f, prev));
            }
        }
        int removed = 0;
        for (String p : known.keySet()) {
            if (!seen.contains(p) && !under(p, scan.unreadableFolders())) {
                vectors.delete(p);
                removed++;
            }
        }
        listener.scanned(scan.files().size(), work.size());

        EmbeddingPipeline.Stats stats;
        try (VectorIndex.Snapshot before = vectors.snapshot()) {
            EmbeddingPipeline<Work> pipeline = new EmbeddingPipeline<>(model, options.decoderThreads(), options.batchSize());
            stats = pipeline.run(work, this::prepare, new EmbeddingPipeline.Sink<>() {
                @Override
                public void embedded(Work w, float[] embedding) {
                    vectors.put(w.entry(), embedding);
                    if (w.previous == null || w.previous.failed()) {
                        added++;
                    } else {
                        updated++;
                    }
                    done(w);
                }

                @Override
                public void ready(Work w) {
                    float[] kept = w.sameContent ? before.vector(w.path()) : null;
                    if (w.error == null && kept == null) {
                        // the recorded hash matched but the stored vector is missing: should not happen; recover
                        w.error = "its indexed vector could not be found; run the update again";
                    }
                    if (w.error != null) {
                        vectors.put(w.entry(), null);
                        skip(new SkippedFile(w.path(), w.error));
                    } else {
                        vectors.put(w.entry(), kept);
                        unchanged++;
                    }
                    done(w);
                }
            });
        }
        vectors.commit();
        listener.committed(processed);
        return new UpdateResult(scan.files().size(), added, updated, removed, unchanged, skipped.size(),
                List.copyOf(skipped), (System.nanoTime() - start) / 1e9, stats.seconds(), stats.modelSeconds(),
                stats.waitSeconds());
    }

    private void skip(SkippedFile f) {
        skipped.add(f);
        listener.skipped(f);
    }

    private void done(Work w) {
        processed++;
        sinceCommit++;
        listener.processed(w.path());
        long now = System.nanoTime();
        if (sinceCommit >= options.commitEveryFiles() || now - lastCommit >= options.commitInterval().toNanos()) {
            vectors.commit();
            sinceCommit = 0;
            lastCommit = System.nanoTime();
            listener.committed(processed);
        }
    }

    /** On a decoder thread: read, hash, and (unless the content is already indexed) decode and preprocess. */
    private EmbeddingPipeline.Prepared<Work> prepare(Work w) {
        Path file = w.stat.path();
        try {
            if (w.stat.size() > options.maxFileBytes()) {
                w.error = "file too large (" + w.stat.size() + " bytes; the limit is " + options.maxFileBytes() + ")";
                return new EmbeddingPipeline.Ready<>(w);
            }
            byte[] bytes = Files.readAllBytes(file);
            w.sha256 = ContentHash.sha256(bytes);
            if (w.previous != null && !w.previous.failed() && w.sha256.equals(w.previous.sha256())) {
                w.sameContent = true;
                return new EmbeddingPipeline.Ready<>(w);
            }
            PixelValues px = preprocessor.apply(loader.load(bytes, file.toString()));
            int s = model.imageSize();
            if (px.height() != s || px.width() != s) {
                w.error = "preprocessing gave " + px.width() + "x" + px.height() + " pixels, the model needs " + s + "x" + s;
                return new EmbeddingPipeline.Ready<>(w);
            }
            return new EmbeddingPipeline.Pixels<>(w, px.chw());
        } catch (ImageDecodeException e) {
            w.error = withoutPath(e.getMessage(), file);
        } catch (IOException e) {
            w.error = "cannot read: " + (e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "deleted during the update" : e.getMessage());
        } catch (RuntimeException e) {
            // a decoder bug on one odd file must not stop the indexing of the others
            w.error = "cannot decode: " + e;
        } catch (OutOfMemoryError e) {
            w.error = "out of memory while decoding";
        }
        return new EmbeddingPipeline.Ready<>(w);
    }

    /** The loader's messages start with the file name, which the skipped-file report already shows. */
    private static String withoutPath(String message, Path file) {
        String prefix = file + ": ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : String.valueOf(message);
    }

    private static boolean under(String path, List<Path> roots) {
        Path p = Path.of(path);
        for (Path r : roots) {
            if (p.startsWith(r)) {
                return true;
            }
        }
        return false;
    }
}
