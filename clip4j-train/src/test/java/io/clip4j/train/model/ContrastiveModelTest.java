package io.clip4j.train.model;

import io.clip4j.model.TokenBatch;
import io.clip4j.train.autograd.Backend;
import io.clip4j.train.autograd.Norms;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Repeated texts in a batch go through the text tower once, with the same loss and gradients. */
class ContrastiveModelTest {

    @Test
    void repeatedTextsAreEncodedOnceWithIdenticalResults() {
        ContrastiveModel model = ModelFactory.create(ModelSpec.clip(Architectures.fashionTiny()), 5, n -> false);
        int ctx = 77;
        long[][] rows = {{49406, 320, 1125, 49407}, {49406, 2866, 49407}, {49406, 320, 1125, 49407}, {49406, 2866, 49407}};
        long[] ids = new long[rows.length * ctx];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, ids, b * ctx, rows[b].length);
        }
        TokenBatch tokens = new TokenBatch(ids, null, rows.length, ctx);
        float[] px = new float[rows.length * 3 * 28 * 28];
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rnd.nextGaussian();
        }
        Map<String, float[]> a = new HashMap<>();
        float la = lossAndGrads(model, a, t -> model.loss(t, px, tokens, ContrastiveModel.LossKind.CLIP, 1024));
        Map<String, float[]> b = new HashMap<>();
        float lb = lossAndGrads(model, b, t -> model.lossOf(t, model.encodeImages(t, px, rows.length),
                Norms.l2Normalize(t, model.text().forward(t, tokens)), ContrastiveModel.LossKind.CLIP, 1024));
        assertEquals(lb, la, 1e-6f);
        assertEquals(b.keySet(), a.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(b.get(k), a.get(k), 1e-6f, k);
        }
    }

    @Test
    void recomputingBlockActivationsGivesTheSameGradients() {
        ContrastiveModel model = ModelFactory.create(ModelSpec.clip(Architectures.fashionTiny()), 6, n -> false);
        int ctx = 77;
        long[] ids = new long[3 * ctx];
        long[][] rows = {{49406, 320, 49407}, {49406, 2866, 1125, 49407}, {49406, 49407}};
        for (int b = 0; b < 3; b++) {
            System.arraycopy(rows[b], 0, ids, b * ctx, rows[b].length);
        }
        TokenBatch tokens = new TokenBatch(ids, null, 3, ctx);
        float[] px = new float[3 * 3 * 28 * 28];
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rnd.nextGaussian();
        }
        Map<String, float[]> plain = new HashMap<>();
        float l1 = lossAndGrads(model, plain, t -> model.loss(t, px, tokens, ContrastiveModel.LossKind.CLIP, 2));
        model.setRecompute(true);
        Map<String, float[]> again = new HashMap<>();
        float l2 = lossAndGrads(model, again, t -> model.loss(t, px, tokens, ContrastiveModel.LossKind.CLIP, 2));
        assertEquals(l1, l2, 0f);
        for (String k : plain.keySet()) {
            assertArrayEquals(plain.get(k), again.get(k), 0f, k);
        }
    }

    private static float lossAndGrads(ContrastiveModel model, Map<String, float[]> grads,
                                      java.util.function.Function<Tape, Variable> loss) {
        model.parameters().zeroGrad();
        Tape tape = Tape.create(Backend.precise());
        Variable l = loss.apply(tape);
        tape.backward(l);
        for (Parameter p : model.parameters().parameters()) {
            if (p.value().grad() != null) {
                grads.put(p.name(), p.value().grad().clone());
            }
        }
        return l.item();
    }
}
