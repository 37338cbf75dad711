package io.clip4j.index;

import io.clip4j.model.EmbeddingModel;
import io.clip4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A bounded producer/consumer pipeline that keeps the model busy: decoder threads read, decode and
 * preprocess files (the slow part of large photos, and it parallelises perfectly) into a bounded queue;
 * the calling thread takes model inputs off it in batches and runs the model, whose own kernels use the
 * compute threads. The queue holds at most two batches, so memory stays bounded whatever the number of
 * files, and decoders simply block when the model falls behind.
 *
 * <p>The sink is called on the calling thread only, in completion order (not input order).
 *
 * @param <T> the work item
 */
final class EmbeddingPipeline<T> {

    /** What a decoder made of an item. */
    sealed interface Prepared<T> permits Pixels, Ready {
        T item();
    }

    /** Model input {@code [3, S, S]} for the item. */
    record Pixels<T>(T item, float[] chw) implements Prepared<T> {
    }

    /** The item needs no model (it failed, or its content is already indexed). */
    record Ready<T>(T item) implements Prepared<T> {
    }

    /** Receives results on the calling thread. */
    interface Sink<T> {
        void embedded(T item, float[] embedding);

        void ready(T item);
    }

    /**
     * Where the time went.
     *
     * @param seconds      wall time of the run
     * @param modelSeconds time in the model
     * @param waitSeconds  time the model thread waited for decoded input (near zero when the model is the
     *                     bottleneck)
     * @param embedded     number of items that went through the model
     */
    record Stats(double seconds, double modelSeconds, double waitSeconds, int embedded) {
    }

    private static final Object END = new Object();

    private final EmbeddingModel model;
    private final int decoders;
    private final int batch;

    EmbeddingPipeline(EmbeddingModel model, int decoders, int batch) {
        if (decoders < 1 || batch < 1) {
            throw new IllegalArgumentException("decoders and batch size must be at least 1");
        }
        this.model = model;
        this.decoders = decoders;
        this.batch = batch;
    }

    /**
     * Prepares every item with {@code prepare} on the decoder threads and hands the results to
     * {@code sink}. {@code prepare} reports per-item problems as {@link Ready} items; an exception it throws
     * (or one from the model or the sink) stops the run and is rethrown here.
     */
    Stats run(List<T> items, Function<T, Prepared<T>> prepare, Sink<T> sink) {
        long start = System.nanoTime();
        int threads = Math.max(1, Math.min(decoders, items.size()));
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2 * batch + threads);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> decodeLoop(items, prepare, queue, next, failure), "clip4j-decode-" + t);
            w.setDaemon(true);
            workers.add(w);
        }
        workers.forEach(Thread::start);
        long modelNanos = 0;
        long waitNanos = 0;
        int embedded = 0;
        try {
            List<Pixels<T>> pending = new ArrayList<>(batch);
            int ended = 0;
            while (ended < threads) {
                long t0 = System.nanoTime();
                Object o = queue.take();
                waitNanos += System.nanoTime() - t0;
                if (o == END) {
                    ended++;
                    continue;
                }
                @SuppressWarnings("unchecked")
                Prepared<T> p = (Prepared<T>) o;
                switch (p) {
                    case Pixels<T> px -> {
                        pending.add(px);
                        if (pending.size() == batch) {
                            modelNanos += embed(pending, sink);
                            embedded += pending.size();
                            pending.clear();
                        }
                    }
                    case Ready<T> r -> sink.ready(r.item());
                }
                rethrow(failure);
            }
            rethrow(failure);
            if (!pending.isEmpty()) {
                modelNanos += embed(pending, sink);
                embedded += pending.size();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while indexing", e);
        } finally {
            next.set(items.size());
            workers.forEach(Thread::interrupt);
            queue.clear();
        }
        return new Stats((System.nanoTime() - start) / 1e9, modelNanos / 1e9, waitNanos / 1e9, embedded);
    }

    private void decodeLoop(List<T> items, Function<T, Prepared<T>> prepare, BlockingQueue<Object> queue,
                            AtomicInteger next, AtomicReference<Throwable> failure) {
        try {
            try {
                for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
                    queue.put(prepare.apply(items.get(i)));
                }
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            } finally {
                queue.put(END);
            }
        } catch (InterruptedException e) {
            // the run is over (finished or failed): nothing left to hand over
        }
    }

    private long embed(List<Pixels<T>> pending, Sink<T> sink) {
        long t0 = System.nanoTime();
        int s = model.imageSize();
        int plane = 3 * s * s;
        float[] px = new float[pending.size() * plane];
        for (int i = 0; i < pending.size(); i++) {
            float[] chw = pending.get(i).chw();
            if (chw.length != plane) {
                throw new IllegalStateException("preprocessing gave " + chw.length + " values, the model needs " + plane);
            }
            System.arraycopy(chw, 0, px, i * plane, plane);
        }
        Tensor e = model.embedPixels(Tensor.of(px, pending.size(), 3, s, s));
        long took = System.nanoTime() - t0;
        int d = e.dim(1);
        for (int i = 0; i < pending.size(); i++) {
            sink.embedded(pending.get(i).item(), Arrays.copyOfRange(e.data(), i * d, (i + 1) * d));
        }
        return took;
    }

    private static void rethrow(AtomicReference<Throwable> failure) {
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
    }
}
