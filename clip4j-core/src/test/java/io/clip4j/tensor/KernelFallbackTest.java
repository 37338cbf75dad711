package io.clip4j.tensor;

import io.clip4j.model.clip.ClipModel;
import io.clip4j.testutil.Fixtures;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Run by the build in a JVM started without {@code --add-modules jdk.incubator.vector} (as a host
 * application might be): clip4j must fall back to the scalar kernels and still work.
 */
class KernelFallbackTest {

    @Test
    void fallsBackToScalarKernelsWithoutTheVectorModule() {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!present) {
            assertEquals("scalar", Kernels.get().name());
            try (ClipModel m = ClipModel.load(Fixtures.fixture("clip-vit-openai-tiny"))) {
                Tensor f = m.encodeImage(Tensor.zeros(1, 3, 32, 32));
                assertEquals(32, f.dim(1));
                assertFalse(Float.isNaN(f.data()[0]));
            }
        } else {
            assertEquals(System.getProperty("clip4j.kernels", "auto").equals("scalar") ? "scalar" : "vector",
                    Kernels.get().name().replaceAll("-.*", ""));
        }
    }
}
