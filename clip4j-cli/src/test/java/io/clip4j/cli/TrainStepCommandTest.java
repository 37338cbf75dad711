package io.clip4j.cli;

import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code clip4j train-step} on the training fixtures against PyTorch autograd ({@code train.safetensors}). */
class TrainStepCommandTest {

    static Path fixture(String name) {
        String prop = System.getProperty("clip4j.testdata");
        Path root = prop != null ? Path.of(prop) : Path.of("../testdata");
        return root.resolve("fixtures").resolve(name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"clip-rn-openai-tiny", "clip-vit-hf-tiny", "siglip-hf-tiny"})
    void reproducesTrainSafetensors(String name, @TempDir Path tmp) {
        Path dir = fixture(name);
        Path out = tmp.resolve("out.safetensors");
        int rc = Main.run("train-step", "--model", dir.toString(), "--inputs", dir.resolve("golden.safetensors").toString(),
                "--out", out.toString(), "--steps", "3");
        assertEquals(0, rc);
        try (SafeTensorsFile got = SafeTensorsFile.open(out);
             SafeTensorsFile ref = SafeTensorsFile.open(dir.resolve("train.safetensors"))) {
            double gradScale = 0;
            for (TensorInfo t : ref.tensors()) {
                if (t.name().startsWith("grad.")) {
                    for (float v : ref.floats(t.name())) {
                        gradScale = Math.max(gradScale, Math.abs(v));
                    }
                }
            }
            assertEquals(ref.tensors().size(), got.tensors().size(), "same set of tensors");
            for (TensorInfo t : ref.tensors()) {
                TensorInfo g = got.info(t.name());
                assertNotNull(g, t.name());
                assertArrayEquals(t.shape(), g.shape(), t.name());
                float[] e = ref.floats(t.name());
                float[] a = got.floats(t.name());
                double maxDiff = 0;
                double maxRef = 0;
                for (int i = 0; i < e.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs((double) a[i] - e[i]));
                    maxRef = Math.max(maxRef, Math.abs((double) e[i]));
                }
                if (t.name().startsWith("loss")) {
                    assertTrue(maxDiff <= 1e-5, t.name() + ": " + a[0] + " vs " + e[0]);
                } else {
                    // a gradient that is zero up to float64 rounding (an attention key bias) is compared in absolute terms
                    double scale = t.name().startsWith("grad.") ? Math.max(maxRef, 1e-9 * gradScale) : maxRef;
                    assertTrue(maxDiff / scale <= 1e-4, t.name() + ": relative error " + maxDiff / scale);
                }
            }
        }
    }

    @Test
    void badInputsAreClearErrors(@TempDir Path tmp) throws Exception {
        Path dir = fixture("clip-vit-hf-tiny");
        Path notSafetensors = tmp.resolve("x.safetensors");
        Files.writeString(notSafetensors, "hello");
        assertEquals(1, Main.run("train-step", "--model", dir.toString(), "--inputs", notSafetensors.toString(),
                "--out", tmp.resolve("o.safetensors").toString()));
        // wrong image size for the model
        Path other = fixture("clip-rn-openai-tiny").resolve("golden.safetensors");
        assertEquals(1, Main.run("train-step", "--model", dir.toString(), "--inputs", other.toString(),
                "--out", tmp.resolve("o.safetensors").toString()));
        assertEquals(2, Main.run("train-step", "--model", dir.toString(), "--inputs", other.toString(),
                "--out", tmp.resolve("o.safetensors").toString(), "--loss", "hinge"));
    }
}
