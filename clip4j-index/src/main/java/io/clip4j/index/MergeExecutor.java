package io.clip4j.index;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** One lazily created pool of daemon threads shared by all HNSW merges that use several workers. */
final class MergeExecutor {

    private MergeExecutor() {
    }

    private static final class Holder {
        private static final AtomicInteger COUNT = new AtomicInteger();
        static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "clip4j-hnsw-merge-" + COUNT.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    static ExecutorService get() {
        return Holder.POOL;
    }
}
