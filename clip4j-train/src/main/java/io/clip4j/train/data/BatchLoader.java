package io.clip4j.train.data;

import io.clip4j.model.TokenBatch;
import io.clip4j.text.Tokenizer;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Shuffled batches of a {@link PairDataset} for one epoch at a time, prepared one batch ahead on a
 * background thread. Everything random derives from the seed, the epoch and the example index, so a run
 * (and a resumed run) sees the same batches, augmentations and captions. Incomplete last batches are dropped
 * (contrastive losses compare within the batch).
 */
public final class BatchLoader implements AutoCloseable {

    private final PairDataset data;
    private final Tokenizer tokenizer;
    private final int batchSize;
    private final long seed;
    private final boolean augment;
    private final ConcurrentHashMap<String, long[]> tokenCache = new ConcurrentHashMap<>();
    private final ExecutorService worker;

    /**
     * Batches carry an attention mask (1 up to the last non-zero token) that text towers with a padding mask
     * (HF CLIP) use and the others ignore.
     */
    public BatchLoader(PairDataset data, Tokenizer tokenizer, int batchSize, long seed, boolean augment) {
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch size must be at least 2 (contrastive losses need negatives), got "
                    + batchSize);
        }
        if (data.size() < batchSize) {
            throw new IllegalArgumentException("the dataset has " + data.size() + " pairs, fewer than one batch of "
                    + batchSize);
        }
        this.data = data;
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
        this.seed = seed;
        this.augment = augment;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "clip4j-batch-loader");
            t.setDaemon(true);
            return t;
        });
    }

    public int batchesPerEpoch() {
        return data.size() / batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The order of the examples in {@code epoch} (Fisher–Yates with an epoch-specific seed). */
    int[] order(int epoch) {
        int n = data.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(mix(seed, epoch, -1));
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    static long mix(long seed, long a, long b) {
        long h = seed * 0x9E3779B97F4A7C15L + a;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + b;
        return h ^ (h >>> 29);
    }

    /** An iterator over the batches of {@code epoch}, starting at batch {@code first} (for resuming). */
    public EpochIterator epoch(int epoch, int first) {
        return new EpochIterator(epoch, order(epoch), first);
    }

    /** Prepares batch {@code b} of an epoch. */
    Batch build(int epoch, int[] order, int b) {
        int s = data.imageSize();
        int image = 3 * s * s;
        float[] pixels = new float[batchSize * image];
        int ctx = tokenizer.contextLength();
        long[] ids = new long[batchSize * ctx];
        long[] mask = new long[batchSize * ctx];
        for (int i = 0; i < batchSize; i++) {
            int index = order[b * batchSize + i];
            SplittableRandom rnd = new SplittableRandom(mix(seed, epoch, index));
            String caption = data.load(index, pixels, i * image, rnd, augment);
            long[] row = tokenCache.computeIfAbsent(caption, tokenizer::encodeForModel);
            System.arraycopy(row, 0, ids, i * ctx, ctx);
            int last = ctx - 1;
            while (last > 0 && row[last] == 0) {
                last--;
            }
            Arrays.fill(mask, i * ctx, i * ctx + last + 1, 1);
        }
        return new Batch(pixels, new TokenBatch(ids, mask, batchSize, ctx), batchSize);
    }

    /** The batches of one epoch, each prepared while the previous one trains. */
    public final class EpochIterator {
        private final int epoch;
        private final int[] order;
        private int next;
        private Future<Batch> pending;

        private EpochIterator(int epoch, int[] order, int first) {
            this.epoch = epoch;
            this.order = order;
            this.next = first;
            schedule();
        }

        private void schedule() {
            if (next < batchesPerEpoch()) {
                int b = next;
                pending = worker.submit(() -> build(epoch, order, b));
            } else {
                pending = null;
            }
        }

        public boolean hasNext() {
            return pending != null;
        }

        /** The next batch (waits for it if it is not ready). */
        public Batch next() {
            try {
                Batch batch = pending.get();
                next++;
                schedule();
                return batch;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading a batch", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("loading a batch failed: " + c, c);
            }
        }

        /** Index of the batch {@link #next()} returns. */
        public int position() {
            return next;
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
