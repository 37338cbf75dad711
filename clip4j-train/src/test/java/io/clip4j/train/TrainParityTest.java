package io.clip4j.train;

import io.clip4j.model.TokenBatch;
import io.clip4j.train.autograd.Backend;
import io.clip4j.train.model.ContrastiveModel;
import io.clip4j.train.model.ModelFactory;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.TensorInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loss, every parameter gradient and three AdamW steps against PyTorch autograd
 * ({@code train.safetensors} of the three training fixtures).
 */
class TrainParityTest {

    /** The first B images and B texts of golden.safetensors, as the fixtures pair them. */
    record Batch(float[] pixels, TokenBatch tokens) {
        static Batch of(Path dir) {
            try (SafeTensorsFile g = SafeTensorsFile.open(dir.resolve("golden.safetensors"))) {
                long[] ps = g.info("pixel_values").shape();
                long[] is = g.info("input_ids").shape();
                int b = (int) Math.min(ps[0], is[0]);
                int len = (int) is[1];
                int image = (int) (ps[1] * ps[2] * ps[3]);
                float[] px = Arrays.copyOf(g.floats("pixel_values"), b * image);
                long[] ids = Arrays.copyOf(g.longs("input_ids"), b * len);
                long[] mask = g.contains("attention_mask") ? Arrays.copyOf(g.longs("attention_mask"), b * len) : null;
                return new Batch(px, new TokenBatch(ids, mask, b, len));
            }
        }
    }

    /**
     * FORMAT.md's measure {@code max|got - exp| / max|exp|}, except for a gradient that is zero up to
     * float64 rounding in the reference (an attention key bias: the softmax cancels it, the reference holds
     * ~1e-17 there): the ratio is undefined for it, so the difference is measured against 1e-9 of the
     * largest gradient of the model instead.
     */
    static double gradientError(float[] got, float[] exp, double gradScale) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < got.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) got[i] - exp[i]));
            maxRef = Math.max(maxRef, Math.abs((double) exp[i]));
        }
        return maxDiff / Math.max(maxRef, 1e-9 * gradScale);
    }

    private static double largestGradient(SafeTensorsFile ref) {
        double m = 0;
        for (TensorInfo t : ref.tensors()) {
            if (t.name().startsWith("grad.")) {
                for (float v : ref.floats(t.name())) {
                    m = Math.max(m, Math.abs(v));
                }
            }
        }
        return m;
    }

    /** The training kernels: loss and every gradient. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"clip-rn-openai-tiny", "clip-vit-hf-tiny", "siglip-hf-tiny"})
    void lossAndGradientsMatchPyTorch(String fixture) {
        check(fixture, 0, Backend.fast());
    }

    /**
     * Three AdamW steps, with double-precision accumulation: AdamW turns a gradient near its eps (1e-6)
     * into an update of about lr / 2 whose size depends on the gradient's last digits, and a float32
     * forward pass alone leaves ~1e-6 relative noise in the gradients (its logits are rounded at scale
     * up to 100), which is enough to move such a parameter by ~2e-4 of its tensor's range in three steps.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"clip-rn-openai-tiny", "clip-vit-hf-tiny", "siglip-hf-tiny"})
    void lossGradientsAndAdamWStepsMatchPyTorch(String fixture) {
        check(fixture, 3, Backend.precise());
    }

    private static void check(String fixture, int steps, Backend backend) {
        Path dir = Fixtures.fixture(fixture);
        Batch batch = Batch.of(dir);
        ContrastiveModel model = ModelFactory.load(dir, name -> false);
        Map<String, TrainStep.Named> got = TrainStep.run(model, batch.pixels(), batch.tokens(), model.defaultLoss(), steps, backend);
        List<String> failures = new ArrayList<>();
        double worstGrad = 0;
        double worstStep = 0;
        try (SafeTensorsFile ref = SafeTensorsFile.open(dir.resolve("train.safetensors"))) {
            double gradScale = largestGradient(ref);
            for (TensorInfo t : ref.tensors()) {
                if (steps == 0 && t.name().startsWith("step") || steps == 0 && t.name().startsWith("loss.")) {
                    continue;
                }
                TrainStep.Named g = got.get(t.name());
                if (g == null) {
                    failures.add(t.name() + ": missing");
                    continue;
                }
                assertArrayEquals(t.shape(), g.shape(), t.name() + " shape");
                float[] exp = ref.floats(t.name());
                if (t.name().startsWith("loss")) {
                    double diff = Math.abs(g.values()[0] - exp[0]);
                    if (diff > 1e-5) {
                        failures.add(t.name() + ": " + g.values()[0] + " vs " + exp[0]);
                    }
                    continue;
                }
                double err = t.name().startsWith("grad.") ? gradientError(g.values(), exp, gradScale)
                        : Fixtures.relErr(g.values(), exp);
                if (t.name().startsWith("grad.")) {
                    worstGrad = Math.max(worstGrad, err);
                } else {
                    worstStep = Math.max(worstStep, err);
                }
                if (err > 1e-4) {
                    failures.add(t.name() + ": relative error " + err);
                }
            }
            long expectedGrads = ref.tensors().stream().filter(t -> t.name().startsWith("grad.")).count();
            assertEquals(expectedGrads, got.keySet().stream().filter(k -> k.startsWith("grad.")).count(),
                    "gradients for exactly the reference's trainable parameters");
        }
        System.out.printf("%s (%s): worst gradient error %.2e, worst step-%d parameter error %.2e%n", fixture,
                backend.kernels().name(), worstGrad, steps, worstStep);
        assertTrue(failures.isEmpty(), fixture + ":\n  " + String.join("\n  ", failures));
    }
}
