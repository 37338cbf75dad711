package io.clip4j.tensor;

import java.lang.System.Logger;
import java.util.Locale;

/**
 * The compute seam: single-threaded primitives over float arrays with explicit offsets and strides.
 * {@link ScalarKernels} is the plain reference; {@link #get()} returns the fastest implementation
 * available in this JVM. Parallelism lives one level up, in {@link Ops}.
 *
 * <p>Selection: system property {@code clip4j.kernels} = {@code auto} (default), {@code vector},
 * or {@code scalar}; independently, {@code clip4j.blas} ({@code auto}, {@code openblas}, {@code none}) may
 * send the GEMM to a system OpenBLAS (see {@code NativeBlas}), except with {@code scalar}. When the {@code jdk.incubator.vector} module is not in the boot layer (the host
 * JVM was started without {@code --add-modules jdk.incubator.vector}) the scalar kernels are used and
 * one line is logged.
 */
public interface Kernels {

    /** A short name for logs and benchmarks, e.g. {@code vector-512} or {@code scalar}. */
    String name();

    /** The register-tiled micro-kernel behind {@link Gemm} for these kernels. */
    GemmKernel gemmKernel();

    /**
     * {@code C[i, j] = sum_k A[i, k] * B[j, k]} for {@code i < m}, {@code j < n} ("NT": both operands
     * row-major along k, as PyTorch stores {@code Linear} weights). Overwrites C.
     */
    void gemmNT(int m, int n, int k,
                float[] a, int aOff, int lda,
                float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc);

    /** Dot product of {@code n} elements. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** {@code y[i] += alpha * x[i]}. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code y[i] += x[i]}. */
    default void add(float[] x, int xOff, float[] y, int yOff, int n) {
        axpy(1f, x, xOff, y, yOff, n);
    }

    /** {@code x[i] *= s}. */
    void scale(float[] x, int off, int n, float s);

    /**
     * Layer normalisation of one row of {@code n} values:
     * {@code y = (x - mean) / sqrt(var + eps) * gamma + beta}, biased variance, as {@code nn.LayerNorm}.
     */
    void layerNorm(float[] x, int xOff, float[] y, int yOff, int n, float[] gamma, float[] beta, float eps);

    /** Numerically stable softmax of one row, in place. A row that is entirely -inf becomes zeros. */
    void softmax(float[] x, int off, int n);

    /** Applies {@code act} in place. */
    void activate(Activation act, float[] x, int off, int n);

    /** The kernels this JVM should use (see the class comment). */
    static Kernels get() {
        return KernelSelection.DEFAULT;
    }

    /** The plain scalar reference kernels. */
    static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** Holder for the one-time selection. */
    final class KernelSelection {
        static final Kernels DEFAULT = select();

        private KernelSelection() {
        }

        private static Kernels select() {
            String want = System.getProperty("clip4j.kernels", "auto").toLowerCase(Locale.ROOT);
            if (want.equals("scalar")) {
                return ScalarKernels.INSTANCE;
            }
            if (!vectorModulePresent()) {
                NativeBlas.log().log(Logger.Level.INFO, "clip4j: jdk.incubator.vector is not available "
                        + "(start the JVM with --add-modules jdk.incubator.vector); using scalar kernels");
                return withBlas(ScalarKernels.INSTANCE);
            }
            Kernels base;
            try {
                base = VectorKernelsLoader.load();
            } catch (LinkageError | RuntimeException e) {
                NativeBlas.log().log(Logger.Level.INFO, "clip4j: vector kernels unavailable (" + e + "); using scalar kernels");
                base = ScalarKernels.INSTANCE;
            }
            return withBlas(base);
        }

        /** {@code base} with its GEMM sent to the native BLAS that {@code clip4j.blas} selects, if any. */
        private static Kernels withBlas(Kernels base) {
            return NativeBlas.selected().<Kernels>map(b -> new BlasKernels(base, b)).orElse(base);
        }

        static boolean vectorModulePresent() {
            return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        }
    }
}
