package io.clip4j.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * One shared pool of compute threads, sized to the machine (system property {@code clip4j.threads}
 * overrides). Work is handed out as ranges of independent tasks; idle workers park rather than spin,
 * which matters on shared virtual machines.
 */
public final class Parallel {

    private static final ForkJoinPool POOL = createPool();

    private Parallel() {
    }

    private static ForkJoinPool createPool() {
        int threads = Integer.getInteger("clip4j.threads", Runtime.getRuntime().availableProcessors());
        threads = Math.max(1, threads);
        ForkJoinPool.ForkJoinWorkerThreadFactory factory = pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("clip4j-compute-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        };
        return new ForkJoinPool(threads, factory, null, false);
    }

    /** Number of compute threads. */
    public static int threads() {
        return POOL.getParallelism();
    }

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, n)}, spread over the pool, and
     * returns when all are done. Exceptions propagate to the caller.
     */
    public static void forRange(int n, IntConsumer body) {
        if (n <= 0) {
            return;
        }
        if (n == 1 || POOL.getParallelism() == 1) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        RangeTask task = new RangeTask(body, 0, n);
        if (inPool()) {
            task.invoke();
        } else {
            POOL.invoke(task);
        }
    }

    private static boolean inPool() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == POOL;
    }

    private static final class RangeTask extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient IntConsumer body;
        private final int from;
        private final int to;

        RangeTask(IntConsumer body, int from, int to) {
            this.body = body;
            this.from = from;
            this.to = to;
        }

        @Override
        protected void compute() {
            if (to - from == 1) {
                body.accept(from);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new RangeTask(body, from, mid), new RangeTask(body, mid, to));
        }
    }
}
