package io.clip4j.tensor;

/** Plain loops for {@link GemmKernel}: the reference, and the fallback without the Vector API. */
final class ScalarGemmKernel implements GemmKernel {

    static final ScalarGemmKernel INSTANCE = new ScalarGemmKernel();

    private ScalarGemmKernel() {
    }

    @Override
    public int mr() {
        return 4;
    }

    @Override
    public int nr() {
        return 16;
    }

    @Override
    public void tile(int kc, float[] a, int aOff, int lda, int rows, float[] b, int bOff, int bStride,
                     float[] c, int cOff, int ldc, int cols, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int ar = aOff + r * lda;
            for (int j = 0; j < cols; j++) {
                float s = 0f;
                for (int p = 0; p < kc; p++) {
                    s += a[ar + p] * b[bOff + p * bStride + j];
                }
                int ci = cOff + r * ldc + j;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }

    @Override
    public void finish(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff, Activation act) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int ci = cOff + r * ldc + j;
                float s = c[ci];
                if (bias != null) {
                    s += bias[biasOff + j];
                }
                c[ci] = act == null ? s : act.apply(s);
            }
        }
    }
}
