package io.clip4j.tensor;

/**
 * {@link GemmKernel} over a native {@code cblas_sgemm}. {@link Gemm} hands it whole blocks (one call per
 * task, see {@link Gemm}); {@link PackedMatrix} packs for it a single panel as wide as the matrix, i.e.
 * {@code W^T [k, n]} row-major, which is what a row-major {@code A W^T} call wants.
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

    /** "As wide as the matrix": {@link PackedMatrix} clamps this to {@code n}. */
    @Override
    public int nr() {
        return Integer.MAX_VALUE;
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
