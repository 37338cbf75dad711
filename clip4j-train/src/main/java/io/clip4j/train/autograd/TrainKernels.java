package io.clip4j.train.autograd;

import io.clip4j.tensor.Activation;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.MathFunctions;

/**
 * Single-threaded primitives of the backward passes (and the forward passes whose intermediates the
 * backward needs). This class is the plain scalar reference; {@link #get()} follows the core's kernel
 * choice and returns the Vector API subclass when the core uses vector kernels.
 */
public class TrainKernels {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private static final TrainKernels SCALAR = new TrainKernels();

    protected TrainKernels() {
    }

    /** The implementation matching {@link Kernels#get()}. */
    public static TrainKernels get() {
        return Holder.DEFAULT;
    }

    /** The scalar reference. */
    public static TrainKernels scalar() {
        return SCALAR;
    }

    public String name() {
        return "scalar";
    }

    /** {@code dx[i] = dy[i] * act'(x[i])} for {@code i} in {@code [off, off + n)} ({@code dx} may be {@code dy}). */
    public void activationBackward(Activation act, float[] x, float[] dy, float[] dx, int off, int n) {
        for (int i = off; i < off + n; i++) {
            dx[i] = dy[i] * derivative(act, x[i]);
        }
    }

    /** {@code act'(x)}, evaluated in double precision. */
    public static float derivative(Activation act, float xf) {
        double x = xf;
        return switch (act) {
            case QUICK_GELU -> {
                double s = 1 / (1 + Math.exp(-1.702 * x));
                yield (float) (s * (1 + 1.702 * x * (1 - s)));
            }
            case GELU -> (float) (0.5 * (1 + MathFunctions.erf(x / Math.sqrt(2)))
                    + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI);
            case GELU_TANH -> {
                double t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
                yield (float) (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x));
            }
            case RELU -> x > 0 ? 1f : 0f;
        };
    }

    /**
     * Layer norm of one row of {@code n} values at {@code off} into {@code y} (same offset); stores the
     * row's mean and reciprocal standard deviation at {@code stats[2 * row]} and {@code stats[2 * row + 1]}.
     */
    public void layerNormForward(float[] x, int off, int n, float[] gamma, float[] beta, float eps, float[] y,
                                 float[] stats, int row) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += x[off + i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double d = x[off + i] - mean;
            var += d * d;
        }
        var /= n;
        float m = (float) mean;
        float r = (float) (1 / Math.sqrt(var + eps));
        for (int i = 0; i < n; i++) {
            y[off + i] = (x[off + i] - m) * r * gamma[i] + beta[i];
        }
        stats[2 * row] = m;
        stats[2 * row + 1] = r;
    }

    /**
     * Backward of {@link #layerNormForward} for one row: writes {@code dx} (may be null when the input
     * needs no gradient) and adds the row's contributions to {@code dGamma} and {@code dBeta}.
     */
    public void layerNormBackward(float[] x, int off, int n, float[] gamma, float mean, float rstd, float[] dy,
                                  float[] dx, float[] dGamma, float[] dBeta) {
        double sumG = 0;
        double sumGx = 0;
        for (int i = 0; i < n; i++) {
            float xh = (x[off + i] - mean) * rstd;
            float g = dy[off + i];
            dGamma[i] += g * xh;
            dBeta[i] += g;
            float gg = g * gamma[i];
            sumG += gg;
            sumGx += gg * xh;
        }
        if (dx == null) {
            return;
        }
        float a = (float) (sumG / n);
        float b = (float) (sumGx / n);
        for (int i = 0; i < n; i++) {
            float xh = (x[off + i] - mean) * rstd;
            dx[off + i] = rstd * (dy[off + i] * gamma[i] - a - xh * b);
        }
    }

    private static final class Holder {
        static final TrainKernels DEFAULT = select();

        private static TrainKernels select() {
            if (!Kernels.get().name().startsWith("vector")) {
                return SCALAR;
            }
            try {
                Class<?> c = Class.forName("io.clip4j.train.autograd.VectorTrainKernels");
                return (TrainKernels) c.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return SCALAR;
            }
        }
    }
}
