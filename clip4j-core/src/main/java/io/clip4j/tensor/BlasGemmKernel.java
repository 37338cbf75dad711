package io.clip4j.tensor;

/**
 * {@link GemmKernel} over a native {@code cblas_sgemm}. {@link Gemm} hands it whole blocks (one call per
 * task, see {@link Gemm}); {@link PackedMatrix} packs for it panels of width 1, i.e. {@code W [n, k]}
 * row-major as the checkpoint stores it, multiplied with {@code transB}: loading is then a plain copy of the
 * stored rows, and OpenBLAS is as fast with {@code A W^T} as with {@code A (W^T)} (measured for ViT-B/32's
 * shapes at 50 and 1600 rows).
 */
final class BlasGemmKernel implements GemmKernel {

    private final NativeBlas blas;
    private final GemmKernel epilogue;

    BlasGemmKernel(NativeBlas blas, GemmKernel epilogue) {
        this.blas = blas;
        this.epilogue = epilogue;
    }

    NativeBlas blas() {
        return blas;
    }

    /** Row tiles are irrelevant for BLAS: a task's rows go in one call. */
    @Override
    public int mr() {
        return 8;
    }

    /** Row-major {@code W} (panels one output feature wide). */
    @Override
    public int nr() {
        return 1;
    }

    @Override
    public void tile(int kc, float[] a, int aOff, int lda, int rows, float[] b, int bOff, int bStride,
                     float[] c, int cOff, int ldc, int cols, boolean accumulate) {
        blas.sgemm(false, rows, cols, kc, a, aOff, lda, b, bOff, bStride, accumulate, c, cOff, ldc);
    }

    @Override
    public void finish(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff, Activation act) {
        epilogue.finish(c, cOff, ldc, rows, cols, bias, biasOff, act);
    }
}
