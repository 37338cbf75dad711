package io.clip4j.cli;

import io.clip4j.model.ImageEncoder;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Model;
import io.clip4j.model.Models;
import io.clip4j.model.TokenBatch;
import io.clip4j.model.siglip.SiglipModel;
import io.clip4j.model.siglip.SyntheticSiglip;
import io.clip4j.model.vit.SyntheticVit;
import io.clip4j.model.vit.VitClassifier;
import io.clip4j.model.clip.ClipArchitectures;
import io.clip4j.model.clip.ClipModel;
import io.clip4j.model.clip.SyntheticClip;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Parallel;
import io.clip4j.tensor.Tensor;
import io.clip4j.weights.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Whole-model throughput on random inputs, through exactly the loader and kernels of {@code infer}/{@code embed}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure image or text tower throughput (median over timed batches after warm-up).")
final class BenchCommand implements Callable<Integer> {

    enum Tower { image, text }

    @Option(names = {"-m", "--model"}, paramLabel = "M", description = "Model directory or weights file.")
    Path model;

    @Option(names = "--weights", paramLabel = "FILE", description = "Weights file inside the model directory.")
    String weights;

    @Option(names = "--arch", description = "Instead of --model: random weights in this architecture's shapes "
            + "(CLIP: ${COMPLETION-CANDIDATES}; also siglip-B-16 and vit-B-16 (an HF ViT-B/16 classifier)), written to "
            + "a temporary directory and loaded like any model.",
            completionCandidates = SynthCommand.Archs.class)
    String arch;

    @Option(names = "--tower", defaultValue = "image", description = "image or text (default ${DEFAULT-VALUE}).")
    Tower tower;

    @Option(names = "--batch", defaultValue = "1", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seconds", defaultValue = "10", description = "Timed duration (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "2", description = "Warm-up duration in seconds (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--threads", description = "Compute threads (default: all cores).")
    Integer threads;

    @Option(names = "--text-length", description = "Text tower: position of the end-of-text token + 1 "
            + "(default: the full context).")
    Integer textLength;

    @Option(names = "--json", description = "Last line of output is one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if ((model == null) == (arch == null)) {
            throw new Errors.UsageException("give either --model or --arch");
        }
        if (batch < 1) {
            throw new Errors.UsageException("--batch must be at least 1");
        }
        if (threads != null) {
            // Must happen before the compute pool is created (first use of the kernels).
            System.setProperty("clip4j.threads", Integer.toString(threads));
        }
        Path tmp = null;
        Path modelPath = model;
        if (arch != null) {
            tmp = Files.createTempDirectory("clip4j-bench-");
            System.err.println("writing random " + arch + " weights to " + tmp + " ...");
            switch (arch) {
                case "siglip-B-16" -> SyntheticSiglip.write(SyntheticSiglip.base16Vision(), SyntheticSiglip.base16Text(),
                        42, DType.F32, tmp);
                case "vit-B-16" -> SyntheticVit.write(SyntheticVit.base16(), false, 42, DType.F32, tmp);
                default -> SyntheticClip.write(ClipArchitectures.get(arch), 42, DType.F32, tmp);
            }
            modelPath = tmp;
        }
        try {
            return run(modelPath);
        } finally {
            if (tmp != null) {
                try (Stream<Path> s = Files.walk(tmp)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private int run(Path modelPath) {
        long cpu0 = processCpuNanos();
        long wall0 = System.currentTimeMillis();
        long t0 = System.nanoTime();
        // Load = everything until the requested tower is ready to run: the kernels (native BLAS lookup), the
        // checkpoint's header and config, and the tower's weights read and packed (towers are built lazily).
        Kernels kernels = Kernels.get();
        try (Model m = Models.load(modelPath, weights, kernels)) {
            long t1 = System.nanoTime();
            ImageEncoder v = null;
            io.clip4j.model.clip.TextTransformer text = null;
            if (tower == Tower.image) {
                v = switch (m) {
                    case ClipModel c -> c.visual();
                    case SiglipModel sg -> sg.visual();
                    case VitClassifier vc -> null;
                    default -> throw new IllegalStateException(m.family());
                };
            } else {
                if (!(m instanceof EmbeddingModel e) || !e.hasText()) {
                    throw new Errors.UsageException(modelPath + " has no text tower");
                }
                text = m instanceof ClipModel c ? c.text() : ((SiglipModel) m).text();
            }
            long t2 = System.nanoTime();
            long loadCpuNanos = processCpuNanos() - cpu0;
            double loadMs = (t2 - t0) / 1e6;
            double openMs = (t1 - t0) / 1e6;
            double buildMs = (t2 - t1) / 1e6;
            long sinceStart = ProcessHandle.current().info().startInstant()
                    .map(i -> wall0 - i.toEpochMilli()).orElse(-1L);
            SplittableRandom rnd = new SplittableRandom(1);
            Runnable step;
            long flopsPerItem;
            float[][] last = new float[1][];
            if (tower == Tower.image) {
                int s = v != null ? v.imageSize() : ((VitClassifier) m).imageSize();
                float[] px = new float[batch * 3 * s * s];
                for (int i = 0; i < px.length; i++) {
                    px[i] = (float) (rnd.nextDouble() * 4 - 2);
                }
                Tensor pixels = Tensor.of(px, batch, 3, s, s);
                if (m instanceof VitClassifier vc) {
                    step = () -> last[0] = vc.logits(pixels).data();
                    flopsPerItem = vc.flopsPerImage();
                } else {
                    EmbeddingModel e = (EmbeddingModel) m;
                    step = () -> last[0] = e.encodeImage(pixels).data();
                    flopsPerItem = v.flopsPerImage();
                }
            } else {
                EmbeddingModel e = (EmbeddingModel) m;
                int ctx = text.contextLength();
                int len = textLength == null ? ctx : Math.max(2, Math.min(ctx, textLength));
                int vocab = text.vocabSize();
                long[] ids = new long[batch * ctx];
                for (int b = 0; b < batch; b++) {
                    ids[b * ctx] = vocab - 2;
                    for (int t = 1; t < len - 1; t++) {
                        ids[b * ctx + t] = 1 + rnd.nextInt(vocab - 3);
                    }
                    ids[b * ctx + len - 1] = vocab - 1;
                }
                TokenBatch tokens = new TokenBatch(ids, null, batch, ctx);
                step = () -> last[0] = e.encodeText(tokens).data();
                flopsPerItem = text.flopsPerSequence(len);
            }
            long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
            int warmRuns = 0;
            do {
                step.run();
                warmRuns++;
            } while (System.nanoTime() < warmEnd);
            List<Double> times = new ArrayList<>();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            do {
                long s0 = System.nanoTime();
                step.run();
                times.add((System.nanoTime() - s0) / 1e6);
            } while (System.nanoTime() < end || times.size() < 3);
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted[sorted.length / 2];
            double itemsPerS = batch * 1000.0 / median;
            double gflops = flopsPerItem * itemsPerS / 1e9;
            double checksum = 0;
            for (float f : last[0]) {
                checksum += f;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", arch != null ? "random " + arch : String.valueOf(modelPath));
            r.put("tower", tower.name());
            r.put("batch", batch);
            r.put("threads", Parallel.threads());
            r.put("kernels", Kernels.get().name());
            r.put("items_per_s", round(itemsPerS));
            r.put("ms_per_batch", round(median));
            r.put("ms_min", round(sorted[0]));
            r.put("ms_max", round(sorted[sorted.length - 1]));
            r.put("runs", sorted.length);
            r.put("warmup_runs", warmRuns);
            r.put("gflops", round(gflops));
            r.put("gflop_per_item", round(flopsPerItem / 1e9));
            r.put("load_ms", round(loadMs));
            r.put("open_ms", round(openMs));
            r.put("tower_build_ms", round(buildMs));
            r.put("load_cpu_ms", loadCpuNanos < 0 ? -1 : round(loadCpuNanos / 1e6));
            r.put("jvm_start_ms", sinceStart);
            r.put("peak_rss_mb", peakRssMb());
            r.put("checksum", checksum);
            if (!json) {
                System.out.printf("%s %s tower, batch %d, %d threads, kernels %s%n", r.get("model"), tower, batch,
                        Parallel.threads(), Kernels.get().name());
                System.out.printf("  %.2f %s/s   %.1f ms/batch (median of %d; min %.1f, max %.1f)   %.1f GFLOP/s%n",
                        itemsPerS, tower == Tower.image ? "images" : "texts", median, sorted.length, sorted[0],
                        sorted[sorted.length - 1], gflops);
                System.out.printf("  load %.0f ms (open %.0f, tower build %.0f; %s ms CPU), peak RSS %s MB, checksum %.6g%n",
                        loadMs, openMs, buildMs, r.get("load_cpu_ms"), r.get("peak_rss_mb"), checksum);
            } else {
                Json.println(r);
            }
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    /** CPU time of the whole process (every thread: compute helpers, JIT compilers, GC), or -1 if unknown. */
    static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    /** VmHWM from /proc (Linux), else -1. */
    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] p = line.trim().split("\\s+");
                    return Long.parseLong(p[1]) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

}
