package io.clip4j.cli;

import io.clip4j.model.clip.ClipArchitectures;
import io.clip4j.model.clip.ClipConfig;
import io.clip4j.model.clip.SyntheticClip;
import io.clip4j.weights.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Writes a checkpoint with random weights in a published architecture's shapes (for benchmarks). */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a CLIP checkpoint with random weights (config.json + model.safetensors).")
final class SynthCommand implements Callable<Integer> {

    enum Layout { openai, hf }

    enum Precision { f32, f16 }

    @Option(names = "--arch", required = true, description = "Architecture: ${COMPLETION-CANDIDATES}.",
            completionCandidates = Archs.class)
    String arch;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--layout", defaultValue = "openai", description = "Key layout: openai or hf (default ${DEFAULT-VALUE}).")
    Layout layout;

    @Option(names = "--dtype", defaultValue = "f32", description = "f32 or f16 (default ${DEFAULT-VALUE}).")
    Precision dtype;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    static final class Archs implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ClipArchitectures.names().iterator();
        }
    }

    @Override
    public Integer call() {
        ClipConfig c = ClipArchitectures.get(arch);
        if (layout == Layout.hf) {
            c = new ClipConfig(c.embedDim(), c.vision(), c.text(), ClipConfig.Layout.HF);
        }
        SyntheticClip.write(c, seed, dtype == Precision.f16 ? DType.F16 : DType.F32, out);
        System.err.println("wrote " + arch + " with random weights to " + out);
        return 0;
    }
}
