package io.clip4j.train.autograd;

import io.clip4j.tensor.Parallel;

/** Splits index ranges into independent chunks for the shared compute pool. */
final class Chunks {

    private Chunks() {
    }

    /** A half-open range of indices. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of at least {@code grain} indices, in parallel
     * when there is enough work. Chunks write disjoint outputs.
     */
    static void forEach(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int threads = Parallel.threads();
        int chunks = Math.min(threads * 4, (n + grain - 1) / grain);
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        int per = (n + chunks - 1) / chunks;
        int tasks = (n + per - 1) / per;
        Parallel.forRange(tasks, t -> body.run(t * per, Math.min(n, (t + 1) * per)));
    }
}
