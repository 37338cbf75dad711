package io.clip4j.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * One shared set of compute threads, sized to the machine (system property {@code clip4j.threads}
 * overrides). Work is handed out as ranges of independent tasks that threads claim one at a time
 * from a shared counter, so uneven tasks balance themselves.
 *
 * <p>The calling thread works too, so {@code T} threads means {@code T - 1} helpers. Helpers that run
 * out of work park at once (no spin-waiting: on shared virtual machines a spinning thread gets
 * descheduled and then arrives late for the next job). When another thread already owns the
 * helpers, or a task itself calls {@link #forRange}, the work runs on the calling thread alone: no
 * oversubscription, and a model shared between threads still computes correctly.
 */
public final class Parallel {

    private static final int THREADS = Math.max(1,
            Integer.getInteger("clip4j.threads", Runtime.getRuntime().availableProcessors()));
    private static final Helpers HELPERS = THREADS > 1 ? new Helpers(THREADS - 1) : null;

    private Parallel() {
    }

    /** Number of compute threads (the caller included). */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, n)}, spread over the compute threads,
     * and returns when all are done. The first exception thrown by a task is rethrown to the caller
     * (after every started task has finished).
     */
    public static void forRange(int n, IntConsumer body) {
        if (n <= 0) {
            return;
        }
        if (n == 1 || HELPERS == null || !HELPERS.tryRun(n, body)) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
        }
    }

    /**
     * {@code [f(0), ..., f(n - 1)]}, computed spread over the compute threads (each element on one thread;
     * a {@link #forRange} inside {@code f} runs inline). Every element is attempted; if some fail, the
     * {@link Error} (else the exception) of the lowest index is thrown, so what is reported does not depend
     * on the scheduling.
     */
    public static <T> List<T> map(int n, IntFunction<? extends T> f) {
        Object[] out = new Object[Math.max(0, n)];
        RuntimeException[] failed = new RuntimeException[out.length];
        Error[] errors = new Error[out.length];
        forRange(n, i -> {
            try {
                out[i] = f.apply(i);
            } catch (RuntimeException e) {
                failed[i] = e;
            } catch (Error e) {
                errors[i] = e;
            }
        });
        for (Error e : errors) {
            if (e != null) {
                throw e;
            }
        }
        for (RuntimeException e : failed) {
            if (e != null) {
                throw e;
            }
        }
        @SuppressWarnings("unchecked")
        List<T> list = (List<T>) new ArrayList<>(Arrays.asList(out));
        return list;
    }

    /** One batch of tasks in flight. */
    private static final class Job {
        final IntConsumer body;
        final int n;
        final int helpers;                     // helpers 0 .. helpers-1 take part
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger running;           // helpers that have not finished yet
        final Thread owner;
        volatile Throwable error;

        Job(IntConsumer body, int n, int helpers, Thread owner) {
            this.body = body;
            this.n = n;
            this.helpers = helpers;
            this.running = new AtomicInteger(helpers);
            this.owner = owner;
        }

        /** Claims and runs tasks until none are left; stops early once a task failed. */
        void work() {
            int i;
            while (error == null && (i = next.getAndIncrement()) < n) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    if (error == null) {
                        error = t;
                    }
                }
            }
        }
    }

    /** The helper threads and the hand-off of one job at a time to them. */
    private static final class Helpers {
        private final Thread[] threads;
        private final ReentrantLock owner = new ReentrantLock();
        private volatile Job current;

        Helpers(int count) {
            threads = new Thread[count];
            for (int i = 0; i < count; i++) {
                int index = i;
                Thread t = new Helper(() -> loop(index), "clip4j-compute-" + (i + 1));
                threads[i] = t;
                t.start();
            }
        }

        boolean tryRun(int n, IntConsumer body) {
            Thread self = Thread.currentThread();
            if (self instanceof Helper || owner.isHeldByCurrentThread() || !owner.tryLock()) {
                return false;
            }
            try {
                int helpers = Math.min(threads.length, n - 1);
                Job job = new Job(body, n, helpers, self);
                current = job;
                for (int i = 0; i < helpers; i++) {
                    LockSupport.unpark(threads[i]);
                }
                job.work();
                while (job.running.get() > 0) {
                    LockSupport.park(this);
                }
                Throwable t = job.error;
                if (t instanceof RuntimeException re) {
                    throw re;
                }
                if (t instanceof Error e) {
                    throw e;
                }
                if (t != null) {
                    throw new IllegalStateException(t);
                }
                return true;
            } finally {
                current = null; // do not keep the task's arrays reachable
                owner.unlock();
            }
        }

        private void loop(int index) {
            Job seen = null;
            while (true) {
                Job job = current;
                if (job == null || job == seen || index >= job.helpers) {
                    LockSupport.park(this);
                    continue;
                }
                seen = job;
                job.work();
                if (job.running.decrementAndGet() == 0) {
                    LockSupport.unpark(job.owner);
                }
            }
        }
    }

    /** A helper thread; its class tells a nested {@link #forRange} to run inline. */
    private static final class Helper extends Thread {
        Helper(Runnable body, String name) {
            super(body, name);
            setDaemon(true);
        }
    }
}
