package io.clip4j.train.model;

import io.clip4j.model.clip.ClipArchitectures;
import io.clip4j.model.clip.ClipConfig;
import io.clip4j.train.nn.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every architecture can be created with CLIP's initialisation, deterministically from the seed. */
class InitTest {

    /** The published architectures at a small width, so that the test stays fast. */
    private static ClipConfig shrink(ClipConfig c) {
        var v = c.vision();
        var t = c.text();
        boolean vit = v.kind() == ClipConfig.VisionKind.VIT;
        var vision = new ClipConfig.Vision(v.kind(), vit ? 32 : 64, vit ? 64 : 8, vit ? 2 : 0,
                vit ? null : new int[] {1, 1, 1, 1}, vit ? 16 : 0, 2, vit ? 128 : 0, v.activation(), v.layerNormEps());
        var text = new io.clip4j.model.TextConfig(t.vocabSize(), 16, 64, 2, 2, 128, t.activation(), t.layerNormEps(),
                t.pooling(), t.eosTokenId(), t.bosTokenId(), t.usePaddingMask(), t.causal());
        return new ClipConfig(32, vision, text, c.layout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ViT-B-32", "RN50", Architectures.FASHION_TINY})
    void everyParameterIsInitialisedFromTheSeed(String arch) {
        ClipConfig cfg = arch.equals(Architectures.FASHION_TINY) ? Architectures.fashionTiny()
                : shrink(ClipArchitectures.get(arch));
        ContrastiveModel a = ModelFactory.create(ModelSpec.clip(cfg), 9, n -> false);
        ContrastiveModel b = ModelFactory.create(ModelSpec.clip(cfg), 9, n -> false);
        for (Parameter p : a.parameters().parameters()) {
            float[] x = p.data();
            assertTrue(java.util.Arrays.equals(x, b.parameters().get(p.name()).data()), p.name() + " differs between runs");
            for (float v : x) {
                assertTrue(Float.isFinite(v), p.name());
            }
        }
        assertEquals((float) Math.log(1 / 0.07), a.logitScale().item(), 1e-6f);
    }
}
