package io.clip4j.task;

import io.clip4j.tensor.Kernels;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The probe's loss and gradient against a plain double-precision implementation and finite differences. */
class SoftmaxObjectiveTest {

    private static final int N = 1300; // three blocks, the last one partial
    private static final int D = 7;
    private static final int K = 4;
    private static final double C = 0.05;

    private final float[] x = new float[N * D];
    private final int[] y = new int[N];
    private final FeatureBlocks blocks;

    SoftmaxObjectiveTest() {
        Random r = new Random(42);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < N; i++) {
            y[i] = r.nextInt(K);
        }
        int[] all = new int[N];
        java.util.Arrays.setAll(all, i -> i);
        blocks = FeatureBlocks.of(x, D, all, y, FeatureScaling.identity(D));
    }

    private double[] randomTheta(boolean intercept) {
        Random r = new Random(7);
        double[] t = new double[SoftmaxObjective.parameterCount(K, D, intercept)];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextGaussian() * 0.5;
        }
        return t;
    }

    /** The objective written out directly, in double. */
    private double reference(double[] theta, double[] grad, boolean intercept) {
        java.util.Arrays.fill(grad, 0);
        double loss = 0;
        for (int i = 0; i < N; i++) {
            double[] z = new double[K];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < K; k++) {
                z[k] = intercept ? theta[K * D + k] : 0;
                for (int j = 0; j < D; j++) {
                    z[k] += theta[k * D + j] * x[i * D + j];
                }
                max = Math.max(max, z[k]);
            }
            double s = 0;
            for (int k = 0; k < K; k++) {
                s += Math.exp(z[k] - max);
            }
            double lse = max + Math.log(s);
            loss += lse - z[y[i]];
            for (int k = 0; k < K; k++) {
                double res = Math.exp(z[k] - lse) - (k == y[i] ? 1 : 0);
                for (int j = 0; j < D; j++) {
                    grad[k * D + j] += res * x[i * D + j] / N;
                }
                if (intercept) {
                    grad[K * D + k] += res / N;
                }
            }
        }
        double lambda = 1 / (C * N);
        double pen = 0;
        for (int i = 0; i < K * D; i++) {
            pen += theta[i] * theta[i];
            grad[i] += lambda * theta[i];
        }
        return loss / N + 0.5 * lambda * pen;
    }

    @Test
    void matchesAPlainDoublePrecisionImplementation() {
        for (boolean intercept : new boolean[]{true, false}) {
            SoftmaxObjective f = new SoftmaxObjective(blocks, K, C, intercept, Kernels.get());
            double[] theta = randomTheta(intercept);
            double[] g = new double[theta.length];
            double[] gRef = new double[theta.length];
            double v = f.evaluate(theta, g);
            double vRef = reference(theta, gRef, intercept);
            assertEquals(vRef, v, 1e-6 * Math.abs(vRef), "loss");
            for (int i = 0; i < g.length; i++) {
                assertEquals(gRef[i], g[i], 1e-6, "gradient component " + i);
            }
        }
    }

    @Test
    void gradientMatchesCentralFiniteDifferences() {
        SoftmaxObjective f = new SoftmaxObjective(blocks, K, C, true, Kernels.get());
        double[] theta = randomTheta(true);
        double[] g = new double[theta.length];
        f.evaluate(theta, g);
        double h = 1e-3;
        double[] scratch = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            double[] p = theta.clone();
            p[i] += h;
            double up = f.evaluate(p, scratch);
            p[i] -= 2 * h;
            double down = f.evaluate(p, scratch);
            double fd = (up - down) / (2 * h);
            // float32 logits leave ~1e-7 noise in the loss, i.e. ~1e-4 / h in the difference quotient.
            assertEquals(fd, g[i], 2e-4, "parameter " + i);
        }
    }

    @Test
    void resultDoesNotDependOnTheThreadCountOrRepeat() {
        SoftmaxObjective f = new SoftmaxObjective(blocks, K, C, true, Kernels.get());
        double[] theta = randomTheta(true);
        double[] g1 = new double[theta.length];
        double[] g2 = new double[theta.length];
        double v1 = f.evaluate(theta, g1);
        double v2 = f.evaluate(theta, g2);
        assertEquals(v1, v2, 0.0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(g1, g2, 0.0);
    }
}
