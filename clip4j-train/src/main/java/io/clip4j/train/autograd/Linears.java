package io.clip4j.train.autograd;

import java.util.Arrays;

/** Affine maps: {@code nn.Linear} ({@code x W^T + b}) and a plain projection {@code x @ P}. */
public final class Linears {

    private Linears() {
    }

    private static int[] withLast(int[] shape, int last) {
        int[] s = shape.clone();
        s[s.length - 1] = last;
        return s;
    }

    /**
     * {@code x W^T + b} over the last dimension: {@code x [..., in]}, {@code weight [out, in]},
     * {@code bias [out]} or null.
     */
    public static Variable linear(Tape tape, Variable x, Variable weight, Variable bias) {
        int in = weight.dim(1);
        int out = weight.dim(0);
        if (x.dim(-1) != in) {
            throw new IllegalArgumentException("linear: input " + x + " does not match weight " + weight);
        }
        if (bias != null && bias.size() != out) {
            throw new IllegalArgumentException("linear: bias " + bias + " does not match weight " + weight);
        }
        int rows = x.size() / in;
        Backend be = tape.backend();
        float[] y = Matmul.nt(be, rows, out, in, x.data(), weight.data(), bias == null ? null : bias.data());
        Variable result = tape.output(y, withLast(x.shape(), out), x, weight, bias);
        if (result.requiresGrad()) {
            tape.record(result, () -> {
                float[] g = result.grad();
                if (weight.requiresGrad()) {
                    weight.addGrad(Matmul.weightGradient(be, rows, out, in, g, x.data()));
                }
                if (bias != null && bias.requiresGrad()) {
                    bias.addGrad(Matmul.columnSums(g, rows, out));
                }
                if (x.requiresGrad()) {
                    x.addGrad(Matmul.nn(be, rows, in, out, g, weight.data()));
                }
            });
        }
        return result;
    }

    /** {@code x @ p} over the last dimension: {@code x [..., in]}, {@code p [in, out]} (OpenAI's {@code proj}). */
    public static Variable matmul(Tape tape, Variable x, Variable p) {
        int in = p.dim(0);
        int out = p.dim(1);
        if (x.dim(-1) != in) {
            throw new IllegalArgumentException("matmul: input " + x + " does not match " + p + " " + Arrays.toString(p.shape()));
        }
        int rows = x.size() / in;
        Backend be = tape.backend();
        float[] y = Matmul.nn(be, rows, out, in, x.data(), p.data());
        Variable result = tape.output(y, withLast(x.shape(), out), x, p);
        if (result.requiresGrad()) {
            tape.record(result, () -> {
                float[] g = result.grad();
                if (p.requiresGrad()) {
                    p.addGrad(Matmul.tn(be, in, out, rows, x.data(), g));
                }
                if (x.requiresGrad()) {
                    x.addGrad(Matmul.nt(be, rows, in, out, g, p.data()));
                }
            });
        }
        return result;
    }
}
