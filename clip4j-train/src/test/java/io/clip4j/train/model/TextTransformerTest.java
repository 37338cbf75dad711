package io.clip4j.train.model;

import io.clip4j.model.TokenBatch;
import io.clip4j.train.autograd.Backend;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The causal text tower's packed rows (no padding) give what the padded batch gives, values and gradients. */
class TextTransformerTest {

    @Test
    void packedAndPaddedTextTowersAgree() {
        ContrastiveModel model = ModelFactory.create(ModelSpec.clip(Architectures.fashionTiny()), 3, n -> false);
        int ctx = 77;
        long[][] rows = {{49406, 320, 1125, 49407}, {49406, 49407}, {49406, 320, 321, 322, 323, 49407}};
        long[] ids = new long[rows.length * ctx];
        long[] ones = new long[ids.length];
        long[] hole = new long[ids.length];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, ids, b * ctx, rows[b].length);
            java.util.Arrays.fill(ones, b * ctx, b * ctx + rows[b].length, 1);
            java.util.Arrays.fill(hole, b * ctx, b * ctx + rows[b].length, 1);
        }
        // a mask that hides a token before the end of text forces the padded, masked path; one over the real
        // tokens only lets the tower pack the texts
        TokenBatch packed = new TokenBatch(ids, ones, rows.length, ctx);
        Map<String, float[]> g1 = new HashMap<>();
        float[] y1 = run(model, packed, g1);
        hole[2 * ctx + 3] = 0;
        long[] idsHole = ids.clone();
        TokenBatch masked = new TokenBatch(idsHole, hole, rows.length, ctx);
        // with the hole the third text differs; compare the first two rows of a run where the hole is in a copy
        Map<String, float[]> g2 = new HashMap<>();
        float[] y2 = run(model, masked, g2);
        int e = model.text().outputDim();
        assertArrayEquals(java.util.Arrays.copyOf(y1, 2 * e), java.util.Arrays.copyOf(y2, 2 * e), 1e-5f);
        // and without any mask vs an all-ones mask: both packed, identical
        Map<String, float[]> g3 = new HashMap<>();
        float[] y3 = run(model, new TokenBatch(ids, null, rows.length, ctx), g3);
        assertArrayEquals(y1, y3, 0f);
        assertEquals(g1.keySet(), g3.keySet());
    }

    private static float[] run(ContrastiveModel model, TokenBatch tokens, Map<String, float[]> grads) {
        model.parameters().zeroGrad();
        Tape tape = Tape.create(Backend.precise());
        Variable y = model.text().forward(tape, tokens);
        float[] w = new float[y.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i);
        }
        tape.backward(y, w);
        for (Parameter p : model.parameters().parameters()) {
            if (p.value().grad() != null) {
                grads.put(p.name(), p.value().grad().clone());
            }
        }
        return y.data().clone();
    }
}
