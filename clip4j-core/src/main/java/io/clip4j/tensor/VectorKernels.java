package io.clip4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. The species is the platform's preferred one unless the system property
 * {@code clip4j.vector.bits} asks for 128, 256 or 512 bits.
 *
 * <p>Only loaded through {@link VectorKernelsLoader} when {@code jdk.incubator.vector} is present.
 */
public final class VectorKernels implements Kernels {

    /**
     * The species must be a compile-time constant (a static final) for C2 to turn the Vector API into
     * machine instructions; an instance field would leave every operation boxed and ~20x slower.
     */
    static final VectorSpecies<Float> SPECIES = chooseSpecies();
    private static final int LANES = SPECIES.length();

    static final VectorKernels INSTANCE = new VectorKernels();

    private VectorKernels() {
    }

    /** The kernels, with the species chosen from {@code clip4j.vector.bits} (default: the platform's preferred). */
    public static VectorKernels create() {
        return INSTANCE;
    }

    private static VectorSpecies<Float> chooseSpecies() {
        String bits = System.getProperty("clip4j.vector.bits", "");
        VectorSpecies<Float> s = switch (bits) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> FloatVector.SPECIES_PREFERRED;
        };
        return s.vectorBitSize() > FloatVector.SPECIES_PREFERRED.vectorBitSize() ? FloatVector.SPECIES_PREFERRED : s;
    }

    @Override
    public GemmKernel gemmKernel() {
        return VectorGemmKernel.INSTANCE;
    }

    @Override
    public String name() {
        return "vector-" + SPECIES.vectorBitSize();
    }

    // ---------------------------------------------------------------- GEMM

    @Override
    public void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                tile4x4(k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j, ldc);
            }
            for (; j < n; j++) {
                for (int ii = i; ii < i + 4; ii++) {
                    c[cOff + ii * ldc + j] = dot(a, aOff + ii * lda, b, bOff + j * ldb, k);
                }
            }
        }
        for (; i < m; i++) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                tile1x4(k, a, aOff + i * lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j);
            }
            for (; j < n; j++) {
                c[cOff + i * ldc + j] = dot(a, aOff + i * lda, b, bOff + j * ldb, k);
            }
        }
    }

    /** 4 rows of A against 4 rows of B: 16 vector accumulators, 8 loads per 16 FMAs. */
    private void tile4x4(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0, int ldc) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int p = 0;
        int bound = SPECIES.loopBound(k);
        for (; p < bound; p += LANES) {
            FloatVector x0 = FloatVector.fromArray(SPECIES, a, a0 + p);
            FloatVector x1 = FloatVector.fromArray(SPECIES, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(SPECIES, a, a2 + p);
            FloatVector x3 = FloatVector.fromArray(SPECIES, a, a3 + p);
            FloatVector y = FloatVector.fromArray(SPECIES, b, b0 + p);
            c00 = x0.fma(y, c00);
            c10 = x1.fma(y, c10);
            c20 = x2.fma(y, c20);
            c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(SPECIES, b, b1 + p);
            c01 = x0.fma(y, c01);
            c11 = x1.fma(y, c11);
            c21 = x2.fma(y, c21);
            c31 = x3.fma(y, c31);
            y = FloatVector.fromArray(SPECIES, b, b2 + p);
            c02 = x0.fma(y, c02);
            c12 = x1.fma(y, c12);
            c22 = x2.fma(y, c22);
            c32 = x3.fma(y, c32);
            y = FloatVector.fromArray(SPECIES, b, b3 + p);
            c03 = x0.fma(y, c03);
            c13 = x1.fma(y, c13);
            c23 = x2.fma(y, c23);
            c33 = x3.fma(y, c33);
        }
        if (p < k) {
            VectorMask<Float> mask = SPECIES.indexInRange(p, k);
            FloatVector x0 = FloatVector.fromArray(SPECIES, a, a0 + p, mask);
            FloatVector x1 = FloatVector.fromArray(SPECIES, a, a1 + p, mask);
            FloatVector x2 = FloatVector.fromArray(SPECIES, a, a2 + p, mask);
            FloatVector x3 = FloatVector.fromArray(SPECIES, a, a3 + p, mask);
            FloatVector y = FloatVector.fromArray(SPECIES, b, b0 + p, mask);
            c00 = x0.fma(y, c00);
            c10 = x1.fma(y, c10);
            c20 = x2.fma(y, c20);
            c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(SPECIES, b, b1 + p, mask);
            c01 = x0.fma(y, c01);
            c11 = x1.fma(y, c11);
            c21 = x2.fma(y, c21);
            c31 = x3.fma(y, c31);
            y = FloatVector.fromArray(SPECIES, b, b2 + p, mask);
            c02 = x0.fma(y, c02);
            c12 = x1.fma(y, c12);
            c22 = x2.fma(y, c22);
            c32 = x3.fma(y, c32);
            y = FloatVector.fromArray(SPECIES, b, b3 + p, mask);
            c03 = x0.fma(y, c03);
            c13 = x1.fma(y, c13);
            c23 = x2.fma(y, c23);
            c33 = x3.fma(y, c33);
        }
        int r1 = c0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        c[c0] = c00.reduceLanes(VectorOperators.ADD);
        c[c0 + 1] = c01.reduceLanes(VectorOperators.ADD);
        c[c0 + 2] = c02.reduceLanes(VectorOperators.ADD);
        c[c0 + 3] = c03.reduceLanes(VectorOperators.ADD);
        c[r1] = c10.reduceLanes(VectorOperators.ADD);
        c[r1 + 1] = c11.reduceLanes(VectorOperators.ADD);
        c[r1 + 2] = c12.reduceLanes(VectorOperators.ADD);
        c[r1 + 3] = c13.reduceLanes(VectorOperators.ADD);
        c[r2] = c20.reduceLanes(VectorOperators.ADD);
        c[r2 + 1] = c21.reduceLanes(VectorOperators.ADD);
        c[r2 + 2] = c22.reduceLanes(VectorOperators.ADD);
        c[r2 + 3] = c23.reduceLanes(VectorOperators.ADD);
        c[r3] = c30.reduceLanes(VectorOperators.ADD);
        c[r3 + 1] = c31.reduceLanes(VectorOperators.ADD);
        c[r3 + 2] = c32.reduceLanes(VectorOperators.ADD);
        c[r3 + 3] = c33.reduceLanes(VectorOperators.ADD);
    }

    private void tile1x4(int k, float[] a, int a0, float[] b, int b0, int ldb, float[] c, int c0) {
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
        int b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int p = 0;
        int bound = SPECIES.loopBound(k);
        for (; p < bound; p += LANES) {
            FloatVector x = FloatVector.fromArray(SPECIES, a, a0 + p);
            s0 = x.fma(FloatVector.fromArray(SPECIES, b, b0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(SPECIES, b, b1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(SPECIES, b, b2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(SPECIES, b, b3 + p), s3);
        }
        if (p < k) {
            VectorMask<Float> mask = SPECIES.indexInRange(p, k);
            FloatVector x = FloatVector.fromArray(SPECIES, a, a0 + p, mask);
            s0 = x.fma(FloatVector.fromArray(SPECIES, b, b0 + p, mask), s0);
            s1 = x.fma(FloatVector.fromArray(SPECIES, b, b1 + p, mask), s1);
            s2 = x.fma(FloatVector.fromArray(SPECIES, b, b2 + p, mask), s2);
            s3 = x.fma(FloatVector.fromArray(SPECIES, b, b3 + p, mask), s3);
        }
        c[c0] = s0.reduceLanes(VectorOperators.ADD);
        c[c0 + 1] = s1.reduceLanes(VectorOperators.ADD);
        c[c0 + 2] = s2.reduceLanes(VectorOperators.ADD);
        c[c0 + 3] = s3.reduceLanes(VectorOperators.ADD);
    }

    // ---------------------------------------------------------------- BLAS-1

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector s = FloatVector.zero(SPECIES);
        int p = 0;
        int bound = SPECIES.loopBound(n);
        for (; p < bound; p += LANES) {
            s = FloatVector.fromArray(SPECIES, a, aOff + p).fma(FloatVector.fromArray(SPECIES, b, bOff + p), s);
        }
        float r = s.reduceLanes(VectorOperators.ADD);
        for (; p < n; p++) {
            r += a[aOff + p] * b[bOff + p];
        }
        return r;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = FloatVector.broadcast(SPECIES, alpha);
        int p = 0;
        int bound = SPECIES.loopBound(n);
        for (; p < bound; p += LANES) {
            FloatVector.fromArray(SPECIES, x, xOff + p).fma(va, FloatVector.fromArray(SPECIES, y, yOff + p))
                    .intoArray(y, yOff + p);
        }
        for (; p < n; p++) {
            y[yOff + p] += alpha * x[xOff + p];
        }
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, int n) {
        int p = 0;
        int bound = SPECIES.loopBound(n);
        for (; p < bound; p += LANES) {
            FloatVector.fromArray(SPECIES, x, xOff + p).add(FloatVector.fromArray(SPECIES, y, yOff + p))
                    .intoArray(y, yOff + p);
        }
        for (; p < n; p++) {
            y[yOff + p] += x[xOff + p];
        }
    }

    @Override
    public void scale(float[] x, int off, int n, float s) {
        int p = 0;
        int bound = SPECIES.loopBound(n);
        for (; p < bound; p += LANES) {
            FloatVector.fromArray(SPECIES, x, off + p).mul(s).intoArray(x, off + p);
        }
        for (; p < n; p++) {
            x[off + p] *= s;
        }
    }

    // ---------------------------------------------------------------- normalisation

    @Override
    public void layerNorm(float[] x, int xOff, float[] y, int yOff, int n, float[] gamma, float[] beta, float eps) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int p = 0;
        int bound = SPECIES.loopBound(n);
        for (; p < bound; p += LANES) {
            acc = acc.add(FloatVector.fromArray(SPECIES, x, xOff + p));
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; p < n; p++) {
            sum += x[xOff + p];
        }
        float mean = sum / n;
        FloatVector vm = FloatVector.broadcast(SPECIES, mean);
        acc = FloatVector.zero(SPECIES);
        for (p = 0; p < bound; p += LANES) {
            FloatVector d = FloatVector.fromArray(SPECIES, x, xOff + p).sub(vm);
            acc = d.fma(d, acc);
        }
        float var = acc.reduceLanes(VectorOperators.ADD);
        for (; p < n; p++) {
            float d = x[xOff + p] - mean;
            var += d * d;
        }
        var /= n;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        FloatVector vi = FloatVector.broadcast(SPECIES, inv);
        for (p = 0; p < bound; p += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xOff + p).sub(vm).mul(vi);
            v.fma(FloatVector.fromArray(SPECIES, gamma, p), FloatVector.fromArray(SPECIES, beta, p)).intoArray(y, yOff + p);
        }
        for (; p < n; p++) {
            y[yOff + p] = (x[xOff + p] - mean) * inv * gamma[p] + beta[p];
        }
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        FloatVector vmax = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        int p = 0;
        int bound = SPECIES.loopBound(n);
        for (; p < bound; p += LANES) {
            vmax = vmax.max(FloatVector.fromArray(SPECIES, x, off + p));
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; p < n; p++) {
            max = Math.max(max, x[off + p]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(x, off, off + n, 0f);
            return;
        }
        FloatVector vm = FloatVector.broadcast(SPECIES, max);
        FloatVector acc = FloatVector.zero(SPECIES);
        for (p = 0; p < bound; p += LANES) {
            FloatVector e = FloatVector.fromArray(SPECIES, x, off + p).sub(vm).lanewise(VectorOperators.EXP);
            e.intoArray(x, off + p);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; p < n; p++) {
            float e = (float) Math.exp(x[off + p] - max);
            x[off + p] = e;
            sum += e;
        }
        scale(x, off, n, 1f / sum);
    }

    // ---------------------------------------------------------------- activations

    /**
     * One loop per activation, chosen before the loop: a switch inside the vector loop makes C2 compile
     * every activation a JVM has used into one method, and past a size it stops intrinsifying the vector
     * operations there (each then allocates). Separate small methods stay intrinsified whatever mix of
     * models a JVM runs.
     */
    @Override
    public void activate(Activation act, float[] x, int off, int n) {
        switch (act) {
            case QUICK_GELU -> quickGelu(x, off, n);
            case GELU -> geluErf(x, off, n);
            case GELU_TANH -> geluTanh(x, off, n);
            case RELU -> relu(x, off, n);
        }
    }

    private static void quickGelu(float[] x, int off, int n) {
        int p = 0;
        for (int bound = SPECIES.loopBound(n); p < bound; p += LANES) {
            quickGelu(FloatVector.fromArray(SPECIES, x, off + p)).intoArray(x, off + p);
        }
        if (p < n) {
            VectorMask<Float> m = SPECIES.indexInRange(p, n);
            quickGelu(FloatVector.fromArray(SPECIES, x, off + p, m)).intoArray(x, off + p, m);
        }
    }

    private static void geluErf(float[] x, int off, int n) {
        int p = 0;
        for (int bound = SPECIES.loopBound(n); p < bound; p += LANES) {
            geluErf(FloatVector.fromArray(SPECIES, x, off + p)).intoArray(x, off + p);
        }
        if (p < n) {
            VectorMask<Float> m = SPECIES.indexInRange(p, n);
            geluErf(FloatVector.fromArray(SPECIES, x, off + p, m)).intoArray(x, off + p, m);
        }
    }

    private static void geluTanh(float[] x, int off, int n) {
        int p = 0;
        for (int bound = SPECIES.loopBound(n); p < bound; p += LANES) {
            geluTanh(FloatVector.fromArray(SPECIES, x, off + p)).intoArray(x, off + p);
        }
        if (p < n) {
            VectorMask<Float> m = SPECIES.indexInRange(p, n);
            geluTanh(FloatVector.fromArray(SPECIES, x, off + p, m)).intoArray(x, off + p, m);
        }
    }

    private static void relu(float[] x, int off, int n) {
        int p = 0;
        for (int bound = SPECIES.loopBound(n); p < bound; p += LANES) {
            FloatVector.fromArray(SPECIES, x, off + p).max(0f).intoArray(x, off + p);
        }
        if (p < n) {
            VectorMask<Float> m = SPECIES.indexInRange(p, n);
            FloatVector.fromArray(SPECIES, x, off + p, m).max(0f).intoArray(x, off + p, m);
        }
    }

    /** {@code x * sigmoid(1.702 x)}. */
    private static FloatVector quickGelu(FloatVector v) {
        return v.div(v.mul(-1.702f).lanewise(VectorOperators.EXP).add(1f));
    }

    /** {@code 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))}. */
    private static FloatVector geluTanh(FloatVector v) {
        FloatVector inner = v.mul(v).mul(v).mul(0.044715f).add(v).mul((float) Math.sqrt(2.0 / Math.PI));
        return v.mul(0.5f).mul(inner.lanewise(VectorOperators.TANH).add(1f));
    }

    /**
     * {@code 0.5 x (1 + erf(x / sqrt 2))} with erf from Abramowitz and Stegun 7.1.26
     * (absolute error below 1.5e-7, i.e. at float resolution).
     */
    private static FloatVector geluErf(FloatVector v) {
        FloatVector z = v.mul((float) (1.0 / Math.sqrt(2.0)));
        FloatVector az = z.abs();
        FloatVector t = az.mul(0.3275911f).add(1f);
        t = FloatVector.broadcast(SPECIES, 1f).div(t);
        FloatVector poly = t.mul(1.061405429f).add(-1.453152027f);
        poly = poly.fma(t, FloatVector.broadcast(SPECIES, 1.421413741f));
        poly = poly.fma(t, FloatVector.broadcast(SPECIES, -0.284496736f));
        poly = poly.fma(t, FloatVector.broadcast(SPECIES, 0.254829592f));
        poly = poly.mul(t);
        FloatVector e = az.mul(az).neg().lanewise(VectorOperators.EXP);
        FloatVector erfAbs = FloatVector.broadcast(SPECIES, 1f).sub(poly.mul(e));
        FloatVector erf = erfAbs.blend(erfAbs.neg(), z.compare(VectorOperators.LT, 0f));
        return v.mul(0.5f).mul(erf.add(1f));
    }
}
