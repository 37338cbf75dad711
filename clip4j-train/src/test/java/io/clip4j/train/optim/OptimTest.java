package io.clip4j.train.optim;

import io.clip4j.train.model.Architectures;
import io.clip4j.train.model.ContrastiveModel;
import io.clip4j.train.model.ModelFactory;
import io.clip4j.train.model.ModelSpec;
import io.clip4j.train.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedule, clipping and CLIP's weight-decay rule. */
class OptimTest {

    @Test
    void cosineScheduleWarmsUpLinearlyThenDecaysToTheFloor() {
        CosineSchedule s = new CosineSchedule(1e-3, 10, 110, 1e-5);
        assertEquals(1e-4, s.lr(0), 1e-12);
        assertEquals(1e-3, s.lr(9), 1e-12);
        assertEquals(1e-3, s.lr(10), 1e-12);
        assertEquals(1e-5 + (1e-3 - 1e-5) / 2, s.lr(60), 1e-12);
        assertEquals(1e-5, s.lr(110), 1e-12);
        assertEquals(1e-5, s.lr(500), 1e-12);
        for (int i = 11; i < 110; i++) {
            assertTrue(s.lr(i) < s.lr(i - 1));
        }
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(1e-3, 20, 10, 0));
    }

    @Test
    void clippingScalesTheGlobalNorm() {
        ContrastiveModel m = ModelFactory.create(ModelSpec.clip(Architectures.fashionTiny()), 1, n -> false);
        List<Parameter> ps = m.parameters().trainable();
        ps.get(0).value().addGrad(filled(ps.get(0).data().length, 3f));
        ps.get(1).value().addGrad(filled(ps.get(1).data().length, -4f));
        double n0 = Math.sqrt(9.0 * ps.get(0).data().length + 16.0 * ps.get(1).data().length);
        assertEquals(n0, GradClip.globalNorm(ps), 1e-6 * n0);
        assertEquals(n0, GradClip.clip(ps, 1.0), 1e-6 * n0);
        assertEquals(1.0, GradClip.globalNorm(ps), 1e-5);
        assertEquals(1.0, GradClip.clip(ps, 5.0), 1e-5); // below the bound: unchanged
        assertEquals(1.0, GradClip.globalNorm(ps), 1e-5);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void weightDecaySkipsEmbeddingsGainsBiasesAndTheTemperature() {
        ContrastiveModel m = ModelFactory.create(ModelSpec.clip(Architectures.fashionTiny()), 1, n -> false);
        Map<String, Boolean> decays = m.parameters().parameters().stream()
                .collect(Collectors.toMap(Parameter::name, AdamW::clipDecayRule));
        assertTrue(decays.get("vision_model.encoder.layers.0.self_attn.q_proj.weight"));
        assertTrue(decays.get("vision_model.embeddings.patch_embedding.weight"));
        assertTrue(decays.get("text_projection.weight"));
        assertFalse(decays.get("text_model.embeddings.token_embedding.weight"));
        assertFalse(decays.get("text_model.embeddings.position_embedding.weight"));
        assertFalse(decays.get("vision_model.embeddings.class_embedding"));
        assertFalse(decays.get("vision_model.encoder.layers.0.self_attn.q_proj.bias"));
        assertFalse(decays.get("vision_model.pre_layrnorm.weight"));
        assertFalse(decays.get("logit_scale"));
    }
}
