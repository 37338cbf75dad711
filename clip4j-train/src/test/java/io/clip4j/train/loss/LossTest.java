package io.clip4j.train.loss;

import io.clip4j.train.autograd.Backend;
import io.clip4j.train.autograd.Norms;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The CLIP and SigLIP losses: their definitions, finite differences, and chunked = unchunked. */
class LossTest {

    private final SplittableRandom rnd = new SplittableRandom(3);

    private Variable unitRows(int n, int e) {
        float[] v = new float[n * e];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return Norms.l2Normalize(Tape.noGrad(), Variable.constant(v, n, e));
    }

    private static double[][] logits(Variable img, Variable txt, double scale, double bias) {
        int n = img.dim(0);
        int e = img.dim(1);
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < e; k++) {
                    s += (double) img.data()[i * e + k] * txt.data()[j * e + k];
                }
                l[i][j] = scale * s + bias;
            }
        }
        return l;
    }

    /** The definition, written out: (CE(L, arange) + CE(L^T, arange)) / 2. */
    private static double clipReference(double[][] l) {
        int n = l.length;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double rowSum = 0;
            double colSum = 0;
            for (int j = 0; j < n; j++) {
                rowSum += Math.exp(l[i][j]);
                colSum += Math.exp(l[j][i]);
            }
            total += (Math.log(rowSum) - l[i][i]) + (Math.log(colSum) - l[i][i]);
        }
        return total / (2 * n);
    }

    /** -sum(log sigmoid(z L)) / n with z = 2 I - 1. */
    private static double siglipReference(double[][] l) {
        int n = l.length;
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double z = i == j ? 1 : -1;
                total += Math.log(1 + Math.exp(-z * l[i][j]));
            }
        }
        return total / n;
    }

    @Test
    void clipLossIsTheSymmetricCrossEntropy() {
        Variable img = unitRows(9, 5);
        Variable txt = unitRows(9, 5);
        float ls = 2.3f;
        Variable loss = new ClipLoss().forward(Tape.noGrad(), img, txt, Variable.constant(new float[] {ls}));
        assertEquals(clipReference(logits(img, txt, Math.exp(ls), 0)), loss.item(), 1e-5);
    }

    @Test
    void siglipLossIsThePairwiseSigmoidLoss() {
        Variable img = unitRows(7, 6);
        Variable txt = unitRows(7, 6);
        Variable loss = new SiglipLoss().forward(Tape.noGrad(), img, txt, Variable.constant(new float[] {2.1f}),
                Variable.constant(new float[] {-3f}));
        assertEquals(siglipReference(logits(img, txt, Math.exp(2.1), -3)), loss.item(), 1e-5);
    }

    @Test
    void gradientsMatchFiniteDifferencesAndChunkingChangesNothing() {
        int n = 11;
        int e = 4;
        for (boolean siglip : new boolean[] {false, true}) {
            Variable img = Variable.leaf(unitRows(n, e).data().clone(), n, e);
            Variable txt = Variable.leaf(unitRows(n, e).data().clone(), n, e);
            Variable scale = Variable.leaf(new float[] {1.7f}, 1);
            Variable bias = Variable.leaf(new float[] {-2f}, 1);
            float[][] ref = null;
            for (int chunk : new int[] {1000, 3, 1}) {
                Variable[] all = {img, txt, scale, bias};
                for (Variable v : all) {
                    v.zeroGrad();
                }
                Tape tape = Tape.create(Backend.precise());
                Variable loss = siglip ? new SiglipLoss(chunk).forward(tape, img, txt, scale, bias)
                        : new ClipLoss(chunk).forward(tape, img, txt, scale);
                tape.backward(loss);
                float[][] grads = {img.grad(), txt.grad(), scale.grad(), siglip ? bias.grad() : new float[1]};
                if (ref == null) {
                    ref = grads;
                    checkFiniteDifferences(siglip, img, txt, scale, bias, grads);
                } else {
                    for (int k = 0; k < grads.length; k++) {
                        assertArrayEquals(ref[k], grads[k], 1e-6f, "chunk " + chunk + " input " + k);
                    }
                }
            }
        }
    }

    private static void checkFiniteDifferences(boolean siglip, Variable img, Variable txt, Variable scale, Variable bias,
                                               float[][] grads) {
        Variable[] inputs = siglip ? new Variable[] {img, txt, scale, bias} : new Variable[] {img, txt, scale};
        for (int k = 0; k < inputs.length; k++) {
            float[] x = inputs[k].data();
            for (int i = 0; i < x.length; i++) {
                float orig = x[i];
                double h = 1e-3;
                x[i] = (float) (orig + h);
                double plus = value(siglip, img, txt, scale, bias);
                x[i] = (float) (orig - h);
                double minus = value(siglip, img, txt, scale, bias);
                x[i] = orig;
                assertEquals((plus - minus) / (2 * h), grads[k][i], 2e-3, "input " + k + " element " + i);
            }
        }
    }

    private static double value(boolean siglip, Variable img, Variable txt, Variable scale, Variable bias) {
        double[][] l = logits(img, txt, Math.exp(scale.data()[0]), siglip ? bias.data()[0] : 0);
        return siglip ? siglipReference(l) : clipReference(l);
    }

    @Test
    void mismatchedBatchesAreRejected() {
        Variable a = unitRows(3, 4);
        Variable b = unitRows(4, 4);
        Variable s = Variable.constant(new float[] {1f});
        assertThrows(IllegalArgumentException.class, () -> new ClipLoss().forward(Tape.noGrad(), a, b, s));
        assertThrows(IllegalArgumentException.class, () -> new ClipLoss(0));
    }
}
