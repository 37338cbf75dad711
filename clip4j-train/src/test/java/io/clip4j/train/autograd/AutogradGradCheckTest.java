package io.clip4j.train.autograd;

import io.clip4j.tensor.Activation;
import io.clip4j.train.autograd.Attention.Heads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every differentiable operation against central finite differences, on small random odd shapes. */
class AutogradGradCheckTest {

    private static final double TOL = 2e-3;
    private final SplittableRandom rnd = new SplittableRandom(7);

    @Test
    void linearWithAndWithoutBias() {
        Variable x = GradCheck.leaf(rnd, 1, 5, 7);
        Variable w = GradCheck.leaf(rnd, 0.5, 3, 7);
        Variable b = GradCheck.leaf(rnd, 0.5, 3);
        GradCheck.check("linear", t -> Linears.linear(t, x, w, b), TOL, x, w, b);
        GradCheck.check("linear no bias", t -> Linears.linear(t, x, w, null), TOL, x, w);
    }

    @Test
    void matmulProjection() {
        Variable x = GradCheck.leaf(rnd, 1, 2, 3, 6);
        Variable p = GradCheck.leaf(rnd, 0.5, 6, 5);
        GradCheck.check("x @ P", t -> Linears.matmul(t, x, p), TOL, x, p);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void activations(Activation act) {
        Variable x = GradCheck.leaf(rnd, 1.5, 4, 37);
        if (act == Activation.RELU) {
            float[] d = x.data();
            for (int i = 0; i < d.length; i++) {
                d[i] += d[i] >= 0 ? 0.1f : -0.1f; // away from the kink
            }
        }
        GradCheck.check(act.name(), t -> Activations.apply(t, x, act), TOL, x);
    }

    @Test
    void vectorActivationDerivativesMatchTheScalarReference() {
        float[] x = GradCheck.randn(rnd, 203, 3);
        float[] dy = GradCheck.randn(rnd, 203, 1);
        for (Activation act : Activation.values()) {
            float[] want = new float[x.length];
            float[] got = new float[x.length];
            TrainKernels.scalar().activationBackward(act, x, dy, want, 0, x.length);
            TrainKernels.get().activationBackward(act, x, dy, got, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                assertEquals(want[i], got[i], 2e-6 * Math.max(1, Math.abs(want[i])), act + " at " + x[i]);
            }
        }
    }

    @Test
    void layerNorm() {
        Variable x = GradCheck.leaf(rnd, 2, 6, 19);
        Variable g = GradCheck.leaf(rnd, 1, 19);
        Variable b = GradCheck.leaf(rnd, 1, 19);
        GradCheck.check("layer_norm", t -> Norms.layerNorm(t, x, g, b, 1e-5f), TOL, x, g, b);
    }

    @Test
    void vectorLayerNormMatchesTheScalarReference() {
        int n = 37;
        float[] x = GradCheck.randn(rnd, 3 * n, 2);
        float[] g = GradCheck.randn(rnd, n, 1);
        float[] b = GradCheck.randn(rnd, n, 1);
        float[] dy = GradCheck.randn(rnd, 3 * n, 1);
        float[][] y = new float[2][3 * n];
        float[][] stats = new float[2][6];
        float[][] dx = new float[2][3 * n];
        float[][] dg = new float[2][n];
        float[][] db = new float[2][n];
        TrainKernels[] ks = {TrainKernels.scalar(), TrainKernels.get()};
        for (int k = 0; k < 2; k++) {
            for (int r = 0; r < 3; r++) {
                ks[k].layerNormForward(x, r * n, n, g, b, 1e-5f, y[k], stats[k], r);
                ks[k].layerNormBackward(x, r * n, n, g, stats[k][2 * r], stats[k][2 * r + 1], dy, dx[k], dg[k], db[k]);
            }
        }
        assertArrayEquals(y[0], y[1], 1e-5f);
        assertArrayEquals(dx[0], dx[1], 1e-4f);
        assertArrayEquals(dg[0], dg[1], 1e-4f);
        assertArrayEquals(db[0], db[1], 1e-4f);
    }

    @Test
    void batchNormEvalTrainsTheAffineParameters() {
        Variable x = GradCheck.leaf(rnd, 1, 2, 3, 4, 5);
        Variable w = GradCheck.leaf(rnd, 1, 3);
        Variable b = GradCheck.leaf(rnd, 1, 3);
        float[] mean = GradCheck.randn(rnd, 3, 0.5);
        float[] var = {0.5f, 1.5f, 2f};
        GradCheck.check("batch_norm", t -> Norms.batchNormEval(t, x, w, b, mean, var, 1e-5f), TOL, x, w, b);
    }

    @Test
    void l2Normalize() {
        Variable x = GradCheck.leaf(rnd, 1, 4, 9);
        GradCheck.check("normalize", t -> Norms.l2Normalize(t, x), TOL, x);
    }

    @Test
    void selfAttentionWithCausalAndPaddingMasks() {
        int batch = 2;
        int heads = 2;
        int len = 5;
        int hd = 3;
        int d = heads * hd;
        Variable qkv = GradCheck.leaf(rnd, 1, batch * len, 3 * d);
        boolean[][] valid = {{true, true, true, false, false}, {true, true, true, true, true}};
        for (boolean causal : new boolean[] {false, true}) {
            for (boolean[][] mask : new boolean[][][] {null, valid}) {
                GradCheck.check("attention causal=" + causal + " mask=" + (mask != null),
                        t -> Attention.attention(t, batch, heads, len, len, hd,
                                new Heads(qkv, 0, len * 3 * d, 3 * d), new Heads(qkv, d, len * 3 * d, 3 * d),
                                new Heads(qkv, 2 * d, len * 3 * d, 3 * d), causal, mask), TOL, qkv);
            }
        }
    }

    @Test
    void packedCausalAttentionOverSequencesOfDifferentLengths() {
        int heads = 2;
        int hd = 3;
        int d = heads * hd;
        int[] lengths = {3, 1, 4};
        int[] starts = {0, 3, 4};
        Variable qkv = GradCheck.leaf(rnd, 1, 8, 3 * d);
        GradCheck.check("packed attention", t -> Attention.packed(t, starts, lengths, heads, hd,
                new Heads(qkv, 0, 0, 3 * d), new Heads(qkv, d, 0, 3 * d), new Heads(qkv, 2 * d, 0, 3 * d), true), TOL, qkv);
        // equal lengths: the packed form is the batched form
        Variable same = GradCheck.leaf(rnd, 1, 2 * 4, 3 * d);
        Variable a = Attention.packed(Tape.noGrad(), new int[] {0, 4}, new int[] {4, 4}, heads, hd,
                new Heads(same, 0, 0, 3 * d), new Heads(same, d, 0, 3 * d), new Heads(same, 2 * d, 0, 3 * d), true);
        Variable b = Attention.attention(Tape.noGrad(), 2, heads, 4, 4, hd, new Heads(same, 0, 4 * 3 * d, 3 * d),
                new Heads(same, d, 4 * 3 * d, 3 * d), new Heads(same, 2 * d, 4 * 3 * d, 3 * d), true, null);
        assertArrayEquals(b.data(), a.data(), 1e-6f);
    }

    @Test
    void crossAttentionWithASharedProbeQuery() {
        int batch = 3;
        int heads = 2;
        int lk = 4;
        int hd = 3;
        int d = heads * hd;
        Variable probe = GradCheck.leaf(rnd, 1, 1, d);
        Variable k = GradCheck.leaf(rnd, 1, batch * lk, d);
        Variable v = GradCheck.leaf(rnd, 1, batch * lk, d);
        GradCheck.check("probe attention", t -> Attention.attention(t, batch, heads, 1, lk, hd,
                new Heads(probe, 0, 0, d), new Heads(k, 0, lk * d, d), new Heads(v, 0, lk * d, d), false, null),
                TOL, probe, k, v);
    }

    @Test
    void embeddingAndRowSelection() {
        Variable table = GradCheck.leaf(rnd, 1, 7, 4);
        int[] ids = {3, 0, 3, 6, 1};
        GradCheck.check("embedding", t -> Indexing.embedding(t, table, ids), TOL, table);
        Variable x = GradCheck.leaf(rnd, 1, 6, 4);
        GradCheck.check("select rows (pooling)", t -> Indexing.selectRows(t, x, new int[] {5, 0, 5}), TOL, x);
        assertThrows(IllegalArgumentException.class, () -> Indexing.embedding(Tape.noGrad(), table, new int[] {7}));
    }

    @Test
    void tokenOperations() {
        Variable cls = GradCheck.leaf(rnd, 1, 1, 4);
        Variable x = GradCheck.leaf(rnd, 1, 2 * 3, 4);
        GradCheck.check("class token", t -> Indexing.prependTokens(t, cls, x, 2), TOL, cls, x);
        Variable pos = GradCheck.leaf(rnd, 1, 3, 4);
        GradCheck.check("positional embedding", t -> Elementwise.addRepeated(t, x, pos), TOL, x, pos);
        GradCheck.check("mean of tokens (avgpool)", t -> Indexing.meanTokens(t, x, 2, 1), TOL, x);
        Variable fmap = GradCheck.leaf(rnd, 1, 2, 3, 2, 2);
        GradCheck.check("attention-pool tokens", t -> Indexing.meanAndSpatialTokens(t, fmap), TOL, fmap);
        Variable flat = GradCheck.leaf(rnd, 1, 12);
        GradCheck.check("slice", t -> Indexing.slice(t, flat, 3, 2, 3), TOL, flat);
    }

    @Test
    void convolutionPoolingAndResidual() {
        Variable x = GradCheck.leaf(rnd, 1, 2, 3, 7, 6);
        Variable w = GradCheck.leaf(rnd, 0.5, 4, 3, 3, 3);
        Variable b = GradCheck.leaf(rnd, 0.5, 4);
        GradCheck.check("conv 3x3 stride 2 pad 1", t -> Convolutions.conv2d(t, x, w, b, 2, 1), TOL, x, w, b);
        Variable w1 = GradCheck.leaf(rnd, 0.5, 5, 3, 1, 1);
        GradCheck.check("conv 1x1", t -> Convolutions.conv2d(t, x, w1, null, 1, 0), TOL, x, w1);
        GradCheck.check("avgpool 2", t -> Convolutions.avgPool2d(t, x, 2), TOL, x);
        Variable y = GradCheck.leaf(rnd, 1, 2, 3, 7, 6);
        GradCheck.check("add", t -> Elementwise.add(t, x, y), TOL, x, y);
        GradCheck.check("add to itself", t -> Elementwise.add(t, x, x), TOL, x);
        GradCheck.check("scale", t -> Elementwise.scale(t, x, 0.3f), TOL, x);
    }

    @Test
    void patchifyAsLinearMatchesTheConvolution() {
        float[] px = GradCheck.randn(rnd, 2 * 3 * 8 * 8, 1);
        Variable w = GradCheck.leaf(rnd, 0.5, 5, 3, 4, 4);
        Variable conv = Convolutions.conv2d(Tape.noGrad(), Variable.constant(px, 2, 3, 8, 8), w, null, 4, 0);
        Variable lin = Linears.linear(Tape.noGrad(), Variable.constant(Convolutions.patches(px, 2, 3, 8, 4), 2 * 4, 48),
                w.view(Tape.noGrad(), 5, 48), null);
        // conv gives [n, c, h, w], the patch rows [n, h * w, c]
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 5; c++) {
                for (int p = 0; p < 4; p++) {
                    assertEquals(conv.data()[(n * 5 + c) * 4 + p], lin.data()[(n * 4 + p) * 5 + c], 1e-5);
                }
            }
        }
    }

    @Test
    void checkpointedBlockGivesTheSameGradients() {
        Variable x = GradCheck.leaf(rnd, 1, 4, 6);
        Variable w = GradCheck.leaf(rnd, 0.5, 6, 6);
        Tape.BlockFunction block = (t, in) -> Activations.apply(t, Linears.linear(t, in, w, null), Activation.GELU);
        GradCheck.check("checkpointed block", t -> t.checkpoint(x, block), TOL, x, w);
    }
}
