package io.clip4j.tensor;

/** Another {@link Kernels} whose GEMM goes to a native BLAS; everything else is delegated unchanged. */
final class BlasKernels implements Kernels {

    private final Kernels base;
    private final BlasGemmKernel gemm;

    BlasKernels(Kernels base, NativeBlas blas) {
        this.base = base;
        this.gemm = new BlasGemmKernel(blas, base.gemmKernel());
    }

    @Override
    public String name() {
        return base.name() + "+" + gemm.blas().library().replaceFirst("\\.so.*|\\.dylib", "");
    }

    @Override
    public GemmKernel gemmKernel() {
        return gemm;
    }

    @Override
    public void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        if (m > 0 && n > 0) {
            gemm.blas().sgemm(true, m, n, k, a, aOff, lda, b, bOff, ldb, false, c, cOff, ldc);
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return base.dot(a, aOff, b, bOff, n);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        base.axpy(alpha, x, xOff, y, yOff, n);
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, int n) {
        base.add(x, xOff, y, yOff, n);
    }

    @Override
    public void scale(float[] x, int off, int n, float s) {
        base.scale(x, off, n, s);
    }

    @Override
    public void layerNorm(float[] x, int xOff, float[] y, int yOff, int n, float[] gamma, float[] beta, float eps) {
        base.layerNorm(x, xOff, y, yOff, n, gamma, beta, eps);
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        base.softmax(x, off, n);
    }

    @Override
    public void activate(Activation act, float[] x, int off, int n) {
        base.activate(act, x, off, n);
    }
}
