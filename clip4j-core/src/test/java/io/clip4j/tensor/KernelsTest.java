package io.clip4j.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Vector API kernels (every width) against the scalar reference, on random and odd shapes. */
class KernelsTest {

    private static final Kernels REF = Kernels.scalar();

    static float[] random(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    static void assertNear(float[] want, float[] got, double relTol, String what) {
        assertEquals(want.length, got.length);
        double maxRef = 1e-30;
        double maxDiff = 0;
        for (int i = 0; i < want.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(want[i]));
            maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
        }
        assertTrue(maxDiff / maxRef <= relTol, what + ": rel err " + maxDiff / maxRef);
    }

    /** The vector kernels of this JVM; the build runs this class again with 256 and 128 bits forced. */
    private static final Kernels VEC = VectorKernels.create();
    private static final int bits = Integer.parseInt(VEC.name().substring("vector-".length()));

    @Test
    void forcedWidthIsHonoured() {
        String forced = System.getProperty("clip4j.vector.bits");
        if (forced != null && !forced.isEmpty()) {
            assertEquals("vector-" + forced, VEC.name());
        }
    }

    @Test
    void gemmMatchesScalarOnOddShapes() {
        Kernels v = VEC;
        Random r = new Random(bits);
        int[][] shapes = {{1, 1, 1}, {1, 7, 3}, {5, 3, 17}, {4, 4, 16}, {13, 9, 31}, {50, 65, 100}, {3, 130, 257}, {64, 64, 64}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            int lda = k + 3, ldb = k + 1, ldc = n + 2;
            float[] a = random(r, 2 + m * lda, 1f);
            float[] b = random(r, 5 + n * ldb, 1f);
            float[] c1 = new float[1 + m * ldc];
            float[] c2 = new float[1 + m * ldc];
            REF.gemmNT(m, n, k, a, 2, lda, b, 5, ldb, c1, 1, ldc);
            v.gemmNT(m, n, k, a, 2, lda, b, 5, ldb, c2, 1, ldc);
            assertNear(c1, c2, 1e-5, "gemm " + m + "x" + n + "x" + k + " @" + bits);
        }
    }

    @Test
    void elementwiseKernelsMatchScalar() {
        Kernels v = VEC;
        Random r = new Random(7 + bits);
        for (int n : new int[]{1, 3, 16, 17, 63, 64, 100, 768, 1001}) {
            float[] x = random(r, n + 3, 2f);
            float[] y = random(r, n + 3, 2f);
            assertEquals(REF.dot(x, 1, y, 2, n), v.dot(x, 1, y, 2, n), 1e-4 * Math.sqrt(n), "dot " + n);

            float[] y1 = y.clone(), y2 = y.clone();
            REF.axpy(0.37f, x, 1, y1, 2, n);
            v.axpy(0.37f, x, 1, y2, 2, n);
            assertNear(y1, y2, 1e-6, "axpy");

            float[] g = random(r, n, 1f), bta = random(r, n, 1f);
            float[] o1 = new float[n + 3], o2 = new float[n + 3];
            float[] shifted = x.clone();
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] += 100f; // a large mean tests the centred variance
            }
            REF.layerNorm(shifted, 1, o1, 2, n, g, bta, 1e-5f);
            v.layerNorm(shifted, 1, o2, 2, n, g, bta, 1e-5f);
            if (n > 1) {
                assertNear(o1, o2, 1e-4, "layerNorm " + n);
            }

            float[] s1 = x.clone(), s2 = x.clone();
            REF.softmax(s1, 1, n);
            v.softmax(s2, 1, n);
            assertNear(s1, s2, 1e-5, "softmax " + n);

            for (Activation act : Activation.values()) {
                float[] a1 = x.clone(), a2 = x.clone();
                REF.activate(act, a1, 1, n);
                v.activate(act, a2, 1, n);
                assertNear(a1, a2, 2e-6, act + " " + n);
            }
        }
    }

    @Test
    void softmaxOfAllMaskedRowIsZeros() {
        float[] x = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        Kernels.get().softmax(x, 0, 3);
        assertEquals(0f, x[0] + x[1] + x[2]);
    }

    @Test
    void erfMatchesPythonMathErf() {
        // Reference values printed by Python 3.11 math.erf.
        double[][] cases = {{-3.5, -0.9999992569016276}, {-1.0, -0.8427007929497149}, {-0.4, -0.42839235504666845},
                {0.0, 0.0}, {1e-8, 1.1283791670955126e-08}, {0.3, 0.3286267594591274}, {0.5, 0.5204998778130465},
                {0.75, 0.7111556336535151}, {1.5, 0.9661051464753108}, {2.9, 0.9999589021219005},
                {4.2, 0.9999999971445058}, {6.5, 1.0}, {-6.0, -1.0}};
        for (double[] c : cases) {
            assertEquals(c[1], MathFunctions.erf(c[0]), 1e-15 + 1e-14 * Math.abs(c[1]), "erf(" + c[0] + ")");
        }
    }

    @Test
    void activationDefinitions() {
        assertEquals(0.5 * 1.3 * (1 + MathFunctions.erf(1.3 / Math.sqrt(2))), Activation.GELU.apply(1.3f), 1e-6);
        assertEquals(1.3 / (1 + Math.exp(-1.702 * 1.3)), Activation.QUICK_GELU.apply(1.3f), 1e-6);
        assertEquals(0f, Activation.RELU.apply(-2f));
    }
}
