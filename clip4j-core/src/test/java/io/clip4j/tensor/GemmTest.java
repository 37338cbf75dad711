package io.clip4j.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.clip4j.tensor.KernelsTest.assertNear;
import static io.clip4j.tensor.KernelsTest.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The blocked GEMM (vector and scalar micro-kernels, serial and parallel) against a double-precision
 * triple loop, on shapes that leave partial row tiles, partial panels and partial blocks of k.
 */
class GemmTest {

    /** This JVM's default, the Java vector kernel and the reference, and a native BLAS where one is installed. */
    private static final GemmKernel[] KERNELS = java.util.stream.Stream.concat(
            java.util.stream.Stream.of(Kernels.get().gemmKernel(), VectorKernels.create().gemmKernel(),
                    Kernels.scalar().gemmKernel()),
            NativeBlas.load().stream().map(b -> new BlasGemmKernel(b, Kernels.scalar().gemmKernel())))
            .distinct().toArray(GemmKernel[]::new);

    /** m, n, k: odd edges everywhere, plus a k deeper than one block and thin/fat ViT-like shapes. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 7, 3}, {5, 3, 17}, {8, 48, 16}, {9, 49, 31}, {13, 97, 300}, {50, 130, 257},
            {3, 200, 600}, {77, 64, 64}, {200, 37, 5}, {0, 5, 5}, {5, 0, 5}};

    /** {@code C = [C0 +] act(A B^T + bias)} in double. */
    static float[] reference(int m, int n, int k, float[] a, int aOff, int lda, float[] w, float[] c0, int cOff, int ldc,
                             float[] bias, Activation act) {
        float[] c = c0.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[aOff + i * lda + p] * w[j * k + p];
                }
                if (bias != null) {
                    s += bias[j];
                }
                float v = act == null ? (float) s : act.apply((float) s);
                c[cOff + i * ldc + j] = c[cOff + i * ldc + j] + v;
            }
        }
        return c;
    }

    @Test
    void packedWeightsWithEveryEpilogue() {
        Random r = new Random(11);
        for (GemmKernel kern : KERNELS) {
            for (int[] s : SHAPES) {
                int m = s[0], n = s[1], k = s[2];
                int lda = k + 3, ldc = n + 2;
                float[] a = random(r, 2 + m * lda, 1f);
                float[] w = random(r, n * k, 0.2f);
                float[] bias = random(r, n, 1f);
                PackedMatrix pw = PackedMatrix.ofRows(w, 0, n, k, Math.min(kern.nr(), Math.max(1, n)));
                for (Activation act : new Activation[]{null, Activation.QUICK_GELU, Activation.GELU, Activation.GELU_TANH}) {
                    for (boolean parallel : new boolean[]{false, true}) {
                        float[] c = new float[1 + m * ldc];
                        float[] want = reference(m, n, k, a, 2, lda, w, c, 1, ldc, bias, act);
                        Gemm.multiply(kern, m, a, 2, lda, pw, c, 1, ldc, bias, act, false, parallel);
                        assertNear(want, c, 2e-5, kern.getClass().getSimpleName() + " " + m + "x" + n + "x" + k + " " + act);
                    }
                }
                // Accumulating into C (a residual connection), with a bias.
                float[] c0 = random(r, 1 + m * ldc, 1f);
                float[] want = reference(m, n, k, a, 2, lda, w, c0, 1, ldc, bias, null);
                float[] c = c0.clone();
                Gemm.multiply(kern, m, a, 2, lda, pw, c, 1, ldc, bias, null, true, true);
                assertNear(want, c, 2e-5, "accumulate " + m + "x" + n + "x" + k);
                assertEquals(c0[0], c[0], "values before the first row are left alone");
            }
        }
    }

    @Test
    void unpackedOperandsInBothLayouts() {
        Random r = new Random(12);
        for (GemmKernel kern : KERNELS) {
            for (int[] s : SHAPES) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = random(r, m * k, 1f);
                float[] w = random(r, n * k, 0.2f);
                int ldbT = k + 2;
                float[] bt = new float[3 + n * ldbT]; // [n, k] with padding
                int ldbN = n + 5;
                float[] bn = new float[4 + k * ldbN]; // [k, n] with padding
                for (int j = 0; j < n; j++) {
                    for (int p = 0; p < k; p++) {
                        bt[3 + j * ldbT + p] = w[j * k + p];
                        bn[4 + p * ldbN + j] = w[j * k + p];
                    }
                }
                float[] want = reference(m, n, k, a, 0, k, w, new float[m * n], 0, n, null, null);
                float[] c = new float[m * n];
                Gemm.multiply(kern, m, n, k, a, 0, k, bt, 3, ldbT, Gemm.Layout.NT, c, 0, n, null, null, false, true);
                assertNear(want, c, 2e-5, "NT " + m + "x" + n + "x" + k);
                c = new float[m * n];
                Gemm.multiply(kern, m, n, k, a, 0, k, bn, 4, ldbN, Gemm.Layout.NN, c, 0, n, null, null, false, true);
                assertNear(want, c, 2e-5, "NN " + m + "x" + n + "x" + k);
            }
        }
    }

    @Test
    void packedMatrixRoundTripsAndSlices() {
        Random r = new Random(13);
        int n = 101, k = 19;
        float[] w = random(r, n * k, 1f);
        for (int nr : new int[]{1, 16, 48}) {
            PackedMatrix p = PackedMatrix.ofRows(w, 0, n, k, nr);
            assertNear(w, p.toRowMajor(), 0, "round trip nr=" + nr);
            assertEquals(w[37 * k + 5], p.get(37, 5));
            for (int[] range : new int[][]{{0, 48}, {48, 101}, {3, 50}, {0, 101}, {96, 100}}) {
                PackedMatrix s = p.rows(range[0], range[1]);
                float[] want = java.util.Arrays.copyOfRange(w, range[0] * k, range[1] * k);
                assertNear(want, s.toRowMajor(), 0, "rows " + range[0] + ".." + range[1]);
                // The padding of a sliced panel must be zero, or the kernel would add garbage columns.
                float[] x = random(r, 2 * k, 1f);
                float[] c = new float[2 * s.n()];
                Gemm.multiply(Kernels.scalar().gemmKernel(), 2, x, 0, k, s, c, 0, s.n(), null, null, false, false);
                assertNear(reference(2, s.n(), k, x, 0, k, want, new float[2 * s.n()], 0, s.n(), null, null), c, 1e-5, "slice product");
            }
        }
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment seg = arena.allocate(4L * n * k + 4);
            java.lang.foreign.ValueLayout.OfFloat le = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED
                    .withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n * k; i++) {
                seg.set(le, 4L * i + 4, w[i]); // unaligned on purpose, like a tensor inside a checkpoint
            }
            PackedMatrix fromBytes = PackedMatrix.ofRows(seg.asSlice(4), n, k);
            assertNear(w, fromBytes.toRowMajor(), 0, "packed from little-endian bytes");
        }
        float[] t = random(r, k * n, 1f); // [k, n]: x @ P
        PackedMatrix pc = PackedMatrix.ofColumns(t, k, n);
        assertEquals(t[5 * n + 37], pc.get(37, 5));
        float[] tt = new float[n * k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                tt[i * k + j] = t[j * n + i];
            }
        }
        assertNear(tt, pc.toRowMajor(), 0, "ofColumns, panels of " + pc.nr());
    }

    @Test
    void halfPrecisionMatricesPackStraightFromTheirBytes() {
        Random r = new Random(17);
        int k = 37;
        int[] rows = {70, 3, 40};
        int n = 113;
        java.lang.foreign.ValueLayout.OfShort le = java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED
                .withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (PackedMatrix.Encoding enc : new PackedMatrix.Encoding[]{PackedMatrix.Encoding.F16, PackedMatrix.Encoding.BF16}) {
            float[] w = new float[n * k];
            short[] bits = new short[n * k];
            for (int i = 0; i < w.length; i++) {
                float v = (float) (r.nextGaussian() * 3);
                if (i % 97 == 0) {
                    v = i % 2 == 0 ? -0f : 1e-7f; // a signed zero, a subnormal (F16) or tiny value
                }
                if (enc == PackedMatrix.Encoding.F16) {
                    bits[i] = Float.floatToFloat16(v);
                    w[i] = Float.float16ToFloat(bits[i]);
                } else {
                    bits[i] = (short) (Float.floatToRawIntBits(v) >>> 16);
                    w[i] = Float.intBitsToFloat((bits[i] & 0xffff) << 16);
                }
            }
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
                java.lang.foreign.MemorySegment[] parts = new java.lang.foreign.MemorySegment[rows.length];
                int row = 0;
                for (int p = 0; p < rows.length; p++) {
                    parts[p] = arena.allocate(2L * rows[p] * k + 2).asSlice(1, 2L * rows[p] * k); // unaligned
                    for (int j = 0; j < rows[p] * k; j++) {
                        parts[p].set(le, 2L * j, bits[row * k + j]);
                    }
                    row += rows[p];
                }
                for (int nr : new int[]{1, 16, 48, n}) {
                    PackedMatrix m = PackedMatrix.ofStackedRows(parts, rows, k, enc, nr);
                    assertEquals(nr, m.nr());
                    float[] got = m.toRowMajor();
                    for (int i = 0; i < w.length; i++) {
                        assertEquals(Float.floatToRawIntBits(w[i]), Float.floatToRawIntBits(got[i]),
                                enc + " nr=" + nr + " value " + i);
                    }
                }
                assertThrows(IllegalArgumentException.class, () -> PackedMatrix.ofStackedRows(parts,
                        new int[]{71, 3, 40}, k, enc), "a part too short");
            }
        }
    }

    @Test
    void rowMajorPanelsPackAsPlainCopies() {
        Random r = new Random(19);
        int n = 150, k = 1000; // several tasks and groups
        float[] w = random(r, n * k, 1f);
        PackedMatrix p = PackedMatrix.ofRows(w, 0, n, k, 1);
        assertNear(w, p.toRowMajor(), 0, "nr=1");
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            java.lang.foreign.MemorySegment seg = arena.allocate(4L * n * k);
            java.lang.foreign.MemorySegment.copy(w, 0, seg, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED
                    .withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0, n * k);
            PackedMatrix fromBytes = PackedMatrix.ofStackedRows(new java.lang.foreign.MemorySegment[]{seg.asSlice(0, 4L * 60 * k),
                    seg.asSlice(4L * 60 * k)}, new int[]{60, 90}, k, PackedMatrix.Encoding.F32, 1);
            assertNear(w, fromBytes.toRowMajor(), 0, "nr=1 from bytes");
            // The native BLAS path takes panels of one as W row-major (transB); any kernel handles them.
            float[] x = random(r, 3 * k, 1f);
            float[] want = reference(3, n, k, x, 0, k, w, new float[3 * n], 0, n, null, null);
            for (GemmKernel kern : KERNELS) {
                // Panels of one (what a native BLAS packs for) and a single panel as wide as W (W^T).
                for (PackedMatrix pw : new PackedMatrix[]{fromBytes, PackedMatrix.ofRows(w, 0, n, k, n)}) {
                    float[] c = new float[3 * n];
                    Gemm.multiply(kern, 3, x, 0, k, pw, c, 0, n, null, null, false, true);
                    assertNear(want, c, 1e-4, "nr=" + pw.nr() + ", " + kern.getClass().getSimpleName());
                }
            }
        }
    }

    @Test
    void largeMatricesPackInParallelAndStackedPartsPackAsOne() {
        Random r = new Random(15);
        int k = 301; // big enough for several packing tasks, with partial panels and groups
        int[] rows = {130, 7, 96};
        int n = 0;
        for (int x : rows) {
            n += x;
        }
        float[] w = random(r, n * k, 1f);
        for (int nr : new int[]{16, 48, n}) {
            assertNear(w, PackedMatrix.ofRows(w, 0, n, k, nr).toRowMajor(), 0, "parallel pack nr=" + nr);
        }
        java.lang.foreign.ValueLayout.OfFloat le = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED
                .withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
        // Shared like a mapped checkpoint (packed on all threads) and confined (packed on the caller's alone).
        for (java.lang.foreign.Arena arena : new java.lang.foreign.Arena[]{java.lang.foreign.Arena.ofShared(),
                java.lang.foreign.Arena.ofConfined()}) {
            java.lang.foreign.MemorySegment[] parts = new java.lang.foreign.MemorySegment[rows.length];
            int row = 0;
            for (int i = 0; i < rows.length; i++) {
                parts[i] = arena.allocate(4L * rows[i] * k);
                for (int j = 0; j < rows[i] * k; j++) {
                    parts[i].set(le, 4L * j, w[row * k + j]);
                }
                row += rows[i];
            }
            PackedMatrix stacked = PackedMatrix.ofStackedRows(parts, rows, k);
            assertEquals(n, stacked.n());
            assertNear(w, stacked.toRowMajor(), 0, "stacked parts");
            assertThrows(IllegalArgumentException.class,
                    () -> PackedMatrix.ofStackedRows(parts, new int[]{130, 8, 96}, k), "a part too short");
            arena.close();
        }
    }

    @Test
    void microKernelGivesTheSameTilesWhileWarmingUpAndAfter() {
        GemmKernel g = VectorKernels.create().gemmKernel();
        Random r = new Random(16);
        int m = 13, n = 2 * g.nr() + 5, k = 300; // several warm-up chunks per block of k, and a partial one
        float[] a = random(r, m * k, 1f);
        float[] w = random(r, n * k, 1f);
        float[] c0 = random(r, m * n, 1f);
        float[] want = reference(m, n, k, a, 0, k, w, c0, 0, n, null, null);
        PackedMatrix pw = PackedMatrix.ofRows(w, 0, n, k, g.nr());
        int saved = VectorGemmKernel.warmUpCallsForTest(0);
        try {
            float[] c = c0.clone();
            Gemm.multiply(g, m, a, 0, k, pw, c, 0, n, null, null, true, false);
            assertNear(want, c, 2e-4, "chunked k while warming up");
            VectorGemmKernel.warmUpCallsForTest(Integer.MAX_VALUE);
            c = c0.clone();
            Gemm.multiply(g, m, a, 0, k, pw, c, 0, n, null, null, true, false);
            assertNear(want, c, 2e-4, "whole blocks of k");
        } finally {
            VectorGemmKernel.warmUpCallsForTest(saved);
        }
    }

    @Test
    void weightsPackedForAnotherKernelStillMultiplyCorrectly() {
        Random r = new Random(14);
        int m = 9, n = 50, k = 20;
        float[] a = random(r, m * k, 1f);
        float[] w = random(r, n * k, 1f);
        PackedMatrix odd = PackedMatrix.ofRows(w, 0, n, k, 5);
        float[] c = new float[m * n];
        Gemm.multiply(Kernels.get().gemmKernel(), m, a, 0, k, odd, c, 0, n, null, null, false, true);
        assertNear(reference(m, n, k, a, 0, k, w, new float[m * n], 0, n, null, null), c, 2e-5, "repacked");
    }

    @Test
    void activationWithAccumulationAppliesToTheSum() {
        Random r = new Random(17);
        int m = 11, n = 53, k = 70;
        float[] a = random(r, m * k, 1f);
        float[] w = random(r, n * k, 0.3f);
        float[] bias = random(r, n, 1f);
        float[] c0 = random(r, m * n, 2f);
        float[] want = reference(m, n, k, a, 0, k, w, c0, 0, n, bias, null);
        for (int i = 0; i < want.length; i++) {
            want[i] = Activation.RELU.apply(want[i]);
        }
        for (GemmKernel kern : KERNELS) {
            PackedMatrix pw = PackedMatrix.ofRows(w, 0, n, k, Math.min(kern.nr(), n));
            float[] c = c0.clone();
            Gemm.multiply(kern, m, a, 0, k, pw, c, 0, n, bias, Activation.RELU, true, true);
            assertNear(want, c, 2e-5, "relu(C + A W^T + b) with " + kern.getClass().getSimpleName());
        }
    }
}
