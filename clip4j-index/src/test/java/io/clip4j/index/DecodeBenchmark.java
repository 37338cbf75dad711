package io.clip4j.index;

import io.clip4j.image.DecodedImage;
import io.clip4j.image.ImageLoader;
import io.clip4j.image.PixelValues;
import io.clip4j.image.PreprocessConfig;
import io.clip4j.image.Preprocessor;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Models;
import io.clip4j.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Dev benchmark (not run by the test suite): where the decoder's time goes, in CPU time (so that it can be
 * measured on a busy machine). For every JPEG under {@code --images}:
 * <ol>
 *   <li>per stage on one thread: read, SHA-256, decode ({@link ImageLoader}), preprocess (resize, crop,
 *       normalise), each as thread CPU seconds per file;</li>
 *   <li>decode-only as the indexer's decoders do it, on {@code --threads} threads: files/s (wall) and
 *       core-seconds per file (the threads' CPU time).</li>
 * </ol>
 * Run it with {@code clip4j-index/bench.sh decode --images DIR [--model M] [--threads 2] [--rounds 2]}; without
 * {@code --model} the preprocessing is CLIP's (shortest edge 224, bicubic, centre crop 224).
 */
public final class DecodeBenchmark {

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private DecodeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        Path images = Path.of(a.getOrDefault("images", "/tmp/clip4j-12mp"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "2"));
        int limit = Integer.parseInt(a.getOrDefault("files", "" + Integer.MAX_VALUE));
        EmbeddingModel model = a.containsKey("model")
                ? Models.loadEmbedding(Path.of(a.get("model")), null, io.clip4j.tensor.Kernels.get()) : null;
        PreprocessConfig config = model != null ? model.preprocessConfig() : PreprocessConfig.clip(224);
        List<Path> files;
        try (Stream<Path> s = Files.list(images)) {
            files = s.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".jpg"))
                    .sorted(Comparator.naturalOrder()).limit(limit).toList();
        }
        Preprocessor pre = new Preprocessor(config);
        ImageLoader loader = new ImageLoader();
        System.out.printf(Locale.ROOT, "%d files, %s%n", files.size(), config);
        if (model != null) {
            modelOnly(model, Integer.parseInt(a.getOrDefault("batch", "16")), rounds);
        }
        for (int round = 0; round < rounds; round++) {
            long read = 0;
            long hash = 0;
            long decode = 0;
            long prep = 0;
            for (Path f : files) {
                long t0 = cpu();
                byte[] b = Files.readAllBytes(f);
                long t1 = cpu();
                ContentHash.sha256(b);
                long t2 = cpu();
                DecodedImage im = loader.load(b, f.toString());
                long t3 = cpu();
                PixelValues px = pre.apply(im);
                long t4 = cpu();
                if (px.chw().length == 0) {
                    throw new IllegalStateException();
                }
                read += t1 - t0;
                hash += t2 - t1;
                decode += t3 - t2;
                prep += t4 - t3;
            }
            int n = files.size();
            System.out.printf(Locale.ROOT, "round %d, one thread, CPU s per file: read %.3f, sha256 %.3f, decode %.3f, "
                    + "preprocess %.3f, total %.3f%n", round, read / 1e9 / n, hash / 1e9 / n, decode / 1e9 / n,
                    prep / 1e9 / n, (read + hash + decode + prep) / 1e9 / n);
        }
        for (int round = 0; round < rounds; round++) {
            AtomicInteger next = new AtomicInteger();
            AtomicLong cpuNanos = new AtomicLong();
            List<Thread> ts = new ArrayList<>();
            long w0 = System.nanoTime();
            long p0 = processCpu();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    long c0 = cpu();
                    for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
                        ThroughputBenchmark.decodeOne(files.get(i), loader, pre);
                    }
                    cpuNanos.addAndGet(cpu() - c0);
                });
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            double wall = (System.nanoTime() - w0) / 1e9;
            double process = (processCpu() - p0) / 1e9 / files.size();
            double perFile = cpuNanos.get() / 1e9 / files.size();
            System.out.printf(Locale.ROOT, "round %d, decode only on %d threads: %.2f files/s (wall); CPU per file: "
                    + "%.3f s in the decoder threads, %.3f s in the whole process (GC included) = %.2f files/s on %d idle "
                    + "cores%n", round, threads, files.size() / wall, perFile, process, threads / process, threads);
        }
    }

    /** The image tower on ready pixels (its own threads), in process CPU time per image. */
    private static void modelOnly(EmbeddingModel model, int batch, int rounds) {
        int s = model.imageSize();
        float[] px = new float[batch * 3 * s * s];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rnd.nextGaussian();
        }
        Tensor in = Tensor.of(px, batch, 3, s, s);
        model.embedPixels(in); // warm-up
        for (int round = 0; round < rounds; round++) {
            long p0 = processCpu();
            long w0 = System.nanoTime();
            int done = 0;
            while (done < 64) {
                model.embedPixels(in);
                done += batch;
            }
            double perImage = (processCpu() - p0) / 1e9 / done;
            System.out.printf(Locale.ROOT, "round %d, model only (%s, batches of %d): %.2f images/s (wall), %.3f core-s "
                    + "per image in the whole process = %.2f images/s on %d idle cores%n", round, model.describe(), batch,
                    done / ((System.nanoTime() - w0) / 1e9), perImage, Runtime.getRuntime().availableProcessors() / perImage,
                    Runtime.getRuntime().availableProcessors());
        }
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long cpu() {
        return MX.getCurrentThreadCpuTime();
    }
}
