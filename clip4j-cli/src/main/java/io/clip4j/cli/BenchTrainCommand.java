package io.clip4j.cli;

import io.clip4j.train.TrainBenchmark;
import io.clip4j.train.model.Architectures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** Training-step throughput of an architecture with fresh weights on random data. */
@Command(name = "bench-train", mixinStandardHelpOptions = true,
        description = "Measure training throughput: forward, backward and AdamW step of an architecture on random "
                + "images and texts (median step after warm-up).")
final class BenchTrainCommand implements Callable<Integer> {

    @Option(names = "--arch", defaultValue = Architectures.FASHION,
            description = "clip4j-fashion-28 (the default model's architecture), clip4j-fashion-28-p7 (the PyTorch reference shape), clip4j-fashion-tiny, ViT-B-32, ... "
                    + "(default ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--batch", defaultValue = "256", description = "Pairs per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--text-length", defaultValue = "0",
            description = "Tokens per text up to the end-of-text token; 0 (default): Fashion-MNIST training captions "
                    + "(9 tokens on average).")
    int textLength;

    @Option(names = "--steps", defaultValue = "10", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up steps (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--recompute", description = "Recompute block activations in the backward pass.")
    boolean recompute;

    @Option(names = "--patch-dropout", defaultValue = "0", description = "Fraction of the ViT's patch tokens dropped "
            + "per image, as `train --patch-dropout` does (default ${DEFAULT-VALUE}).")
    double patchDropout;

    @Option(names = "--threads", description = "Compute threads (default: all cores).")
    Integer threads;

    @Option(names = "--json", description = "Last line of output is one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        if (batch < 2 || steps < 1 || warmup < 0) {
            throw new Errors.UsageException("--batch must be >= 2, --steps >= 1, --warmup >= 0");
        }
        if (threads != null) {
            System.setProperty("clip4j.threads", Integer.toString(threads));
        }
        var cfg = Architectures.get(arch);
        TrainBenchmark.Result r = TrainBenchmark.run(arch, cfg, batch, textLength, warmup, steps, recompute,
                patchDropout, line -> System.err.println(line));
        System.out.printf(Locale.ROOT, "%s, batch %d, mean text length %.1f: %.1f images/s (%.1f ms per training step, median "
                        + "of %d; %,d parameters; %d threads)%n", arch, batch, r.textLength(), r.imagesPerSecond(),
                r.msPerStep(), steps, r.parameters(), io.clip4j.tensor.Parallel.threads());
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("arch", arch);
            out.put("batch", batch);
            out.put("text_length", r.textLength());
            out.put("images_per_s", r.imagesPerSecond());
            out.put("ms_per_step", r.msPerStep());
            out.put("step_ms", r.stepMs());
            out.put("parameters", r.parameters());
            out.put("patch_dropout", patchDropout);
            out.put("threads", io.clip4j.tensor.Parallel.threads());
            Json.println(out);
        }
        return 0;
    }
}
