package io.clip4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API micro-kernel of {@link Gemm}: a tile of up to 8 rows by 3 vectors of {@code C} held in
 * 24 registers (of the 32 AVX-512 has) while {@code kc} steps stream through it. Each step loads
 * 3 vectors of the packed {@code B} panel and broadcasts one value of each of the 8 rows of {@code A}:
 * 11 loads per 24 fused multiply-adds, enough independent accumulators to hide the FMA latency.
 *
 * <p>The inner loop stores its accumulators unconditionally into a small per-thread tile, and a separate
 * method adds them to {@code C} (rows and columns at the edge masked, earlier blocks of k accumulated);
 * {@link #finish} then applies bias and activation while the tile is in L1. Keeping the loop method
 * free of branches and epilogue code keeps its compiled graph small: once C2 gives up on intrinsifying
 * a large method, every vector operation in it allocates, which costs 20x.
 *
 * <p>Rows of {@code A} are read in place (no packing): 8 sequential streams that the hardware
 * prefetcher follows. A tile with fewer rows points the missing rows at the last valid one and does
 * not store them, so the inner loop never branches; tiles of up to 4 rows use a 4-row variant so that
 * thin products (50 tokens) waste little.
 */
final class VectorGemmKernel implements GemmKernel {

    /** The species of {@link VectorKernels} (a JVM-wide constant for C2). */
    private static final VectorSpecies<Float> S = VectorKernels.SPECIES;
    private static final int L = S.length();

    /** Per-thread landing place of the accumulators (see the class comment). */
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[8 * 3 * L]);

    static final VectorGemmKernel INSTANCE = new VectorGemmKernel();

    private VectorGemmKernel() {
    }

    @Override
    public int mr() {
        return 8;
    }

    @Override
    public int nr() {
        return 3 * L;
    }

    @Override
    public void tile(int kc, float[] a, int aOff, int lda, int rows, float[] b, int bOff, int bStride,
                     float[] c, int cOff, int ldc, int cols, boolean accumulate) {
        if (bStride < 3 * L) {
            throw new IllegalArgumentException("panel width " + bStride + " is narrower than the kernel's " + 3 * L);
        }
        float[] t = TILE.get();
        if (kc > WARM_UP_STEPS && warmUpCalls < WARM_UP_CALLS) {
            warmUpCalls++; // racy on purpose: a lost increment only prolongs the warm-up a little
            for (int p = 0; p < kc; p += WARM_UP_STEPS) {
                int steps = Math.min(WARM_UP_STEPS, kc - p);
                loop(steps, a, aOff + p, lda, rows, b, bOff + p * bStride, bStride, t);
                merge(t, c, cOff, ldc, rows, cols, accumulate || p > 0);
            }
            return;
        }
        loop(kc, a, aOff, lda, rows, b, bOff, bStride, t);
        merge(t, c, cOff, ldc, rows, cols, accumulate);
    }

    /**
     * Steps of k per loop call while the JIT is warming up. C2 is asked to compile a method normally
     * after ~600 calls, but on-stack-replaces a loop after 40,000 back-edges: at 256 steps per call the
     * k-loop would reach the latter first, and the OSR version receives its accumulators boxed from the
     * interpreter frame and allocates on every step (measured: 860 KB per 8 x 256 tile, 140x slower than
     * the normal compilation). Cut into calls of 32 steps, invocations win and the normal compilation is
     * requested first; once it is, the JIT no longer asks for an OSR version.
     */
    private static final int WARM_UP_STEPS = 32;
    /**
     * Tile calls cut this way before whole blocks of k run in one loop call: some 64,000 loop calls, many
     * times the JIT's thresholds, and a fraction of one ViT-B/32 forward pass (~48,000 tiles at batch 1).
     */
    private static final int WARM_UP_CALLS = 8192;
    private static int warmUpCalls;

    /** Sets the warm-up call count (0: warming up, {@code MAX_VALUE}: done) and returns the old one; for tests. */
    static int warmUpCallsForTest(int calls) {
        int old = warmUpCalls;
        warmUpCalls = calls;
        return old;
    }

    private static void loop(int kc, float[] a, int aOff, int lda, int rows, float[] b, int bOff, int bStride, float[] t) {
        if (rows > 4) {
            tile8(kc, a, aOff, lda, rows, b, bOff, bStride, t);
        } else {
            tile4(kc, a, aOff, lda, rows, b, bOff, bStride, t);
        }
    }

    /**
     * Bias in one pass over the tile, then the activation row by row through
     * {@link VectorKernels#activate(Activation, float[], int, int)}, whose loop is specialised per
     * activation (see there): the tile is in L1, so the second pass costs little.
     */
    @Override
    public void finish(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff, Activation act) {
        if (bias != null) {
            addBias(c, cOff, ldc, rows, cols, bias, biasOff);
        }
        if (act != null) {
            for (int r = 0; r < rows; r++) {
                VectorKernels.INSTANCE.activate(act, c, cOff + r * ldc, cols);
            }
        }
    }

    private static void addBias(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff) {
        for (int r = 0; r < rows; r++) {
            int o = cOff + r * ldc;
            int j = 0;
            for (; j + L <= cols; j += L) {
                FloatVector.fromArray(S, c, o + j).add(FloatVector.fromArray(S, bias, biasOff + j)).intoArray(c, o + j);
            }
            if (j < cols) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector.fromArray(S, c, o + j, m).add(FloatVector.fromArray(S, bias, biasOff + j, m))
                        .intoArray(c, o + j, m);
            }
        }
    }

    /** 8 rows x 3 vectors: 24 accumulators into {@code t}; rows past {@code rows} re-read the last valid row. */
    private static void tile8(int kc, float[] a, int aOff, int lda, int rows, float[] b, int bOff, int bStride, float[] t) {
        int a0 = aOff;
        int a1 = aOff + Math.min(1, rows - 1) * lda;
        int a2 = aOff + Math.min(2, rows - 1) * lda;
        int a3 = aOff + Math.min(3, rows - 1) * lda;
        int a4 = aOff + Math.min(4, rows - 1) * lda;
        int a5 = aOff + Math.min(5, rows - 1) * lda;
        int a6 = aOff + Math.min(6, rows - 1) * lda;
        int a7 = aOff + Math.min(7, rows - 1) * lda;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z;
        FloatVector c10 = z, c11 = z, c12 = z;
        FloatVector c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z;
        FloatVector c40 = z, c41 = z, c42 = z;
        FloatVector c50 = z, c51 = z, c52 = z;
        FloatVector c60 = z, c61 = z, c62 = z;
        FloatVector c70 = z, c71 = z, c72 = z;
        for (int p = 0, bi = bOff; p < kc; p++, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            x = FloatVector.broadcast(S, a[a6 + p]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            c62 = x.fma(b2, c62);
            x = FloatVector.broadcast(S, a[a7 + p]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            c72 = x.fma(b2, c72);
        }
        c00.intoArray(t, 0 * L);
        c01.intoArray(t, 1 * L);
        c02.intoArray(t, 2 * L);
        c10.intoArray(t, 3 * L);
        c11.intoArray(t, 4 * L);
        c12.intoArray(t, 5 * L);
        c20.intoArray(t, 6 * L);
        c21.intoArray(t, 7 * L);
        c22.intoArray(t, 8 * L);
        c30.intoArray(t, 9 * L);
        c31.intoArray(t, 10 * L);
        c32.intoArray(t, 11 * L);
        c40.intoArray(t, 12 * L);
        c41.intoArray(t, 13 * L);
        c42.intoArray(t, 14 * L);
        c50.intoArray(t, 15 * L);
        c51.intoArray(t, 16 * L);
        c52.intoArray(t, 17 * L);
        c60.intoArray(t, 18 * L);
        c61.intoArray(t, 19 * L);
        c62.intoArray(t, 20 * L);
        c70.intoArray(t, 21 * L);
        c71.intoArray(t, 22 * L);
        c72.intoArray(t, 23 * L);
    }

    /** 4 rows x 3 vectors: 12 accumulators into {@code t}; rows past {@code rows} re-read the last valid row. */
    private static void tile4(int kc, float[] a, int aOff, int lda, int rows, float[] b, int bOff, int bStride, float[] t) {
        int a0 = aOff;
        int a1 = aOff + Math.min(1, rows - 1) * lda;
        int a2 = aOff + Math.min(2, rows - 1) * lda;
        int a3 = aOff + Math.min(3, rows - 1) * lda;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z;
        FloatVector c10 = z, c11 = z, c12 = z;
        FloatVector c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z;
        for (int p = 0, bi = bOff; p < kc; p++, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
        }
        c00.intoArray(t, 0 * L);
        c01.intoArray(t, 1 * L);
        c02.intoArray(t, 2 * L);
        c10.intoArray(t, 3 * L);
        c11.intoArray(t, 4 * L);
        c12.intoArray(t, 5 * L);
        c20.intoArray(t, 6 * L);
        c21.intoArray(t, 7 * L);
        c22.intoArray(t, 8 * L);
        c30.intoArray(t, 9 * L);
        c31.intoArray(t, 10 * L);
        c32.intoArray(t, 11 * L);
    }

    /** {@code C = [C +] t} for the valid rows and columns of a tile. */
    private static void merge(float[] t, float[] c, int cOff, int ldc, int rows, int cols, boolean accumulate) {
        int full = cols & ~(L - 1);
        for (int r = 0; r < rows; r++) {
            int o = cOff + r * ldc;
            int to = r * 3 * L;
            int j = 0;
            for (; j < full; j += L) {
                FloatVector v = FloatVector.fromArray(S, t, to + j);
                if (accumulate) {
                    v = v.add(FloatVector.fromArray(S, c, o + j));
                }
                v.intoArray(c, o + j);
            }
            if (j < cols) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector v = FloatVector.fromArray(S, t, to + j);
                if (accumulate) {
                    v = v.add(FloatVector.fromArray(S, c, o + j, m));
                }
                v.intoArray(c, o + j, m);
            }
        }
    }
}
