package io.clip4j.nn;

import io.clip4j.tensor.Activation;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.PackedMatrix;

/**
 * {@code nn.Linear}: {@code y = x W^T + b}, weight stored {@code [out, in]} in the checkpoint and packed
 * once at load for the GEMM micro-kernel (the packed copy is the only one kept).
 */
public final class Linear {

    private final PackedMatrix weight;
    private final float[] bias;
    private final int in;
    private final int out;

    public Linear(float[] weight, float[] bias, int in, int out) {
        this(checked(weight, in, out), bias);
    }

    /** A layer over an already packed weight {@code [out, in]}. */
    public Linear(PackedMatrix weight, float[] bias) {
        if (bias != null && bias.length != weight.n()) {
            throw new IllegalArgumentException("Linear(" + weight.k() + ", " + weight.n() + "): bias has "
                    + bias.length + " values");
        }
        this.weight = weight;
        this.bias = bias;
        this.in = weight.k();
        this.out = weight.n();
    }

    private static PackedMatrix checked(float[] weight, int in, int out) {
        if (weight.length != in * out) {
            throw new IllegalArgumentException("Linear(" + in + ", " + out + "): weight/bias sizes do not match");
        }
        return PackedMatrix.ofRows(weight, 0, out, in);
    }

    /** Reads {@code weight [out, in]} and, if {@code withBias}, {@code bias [out]} under {@code ws}. */
    public static Linear load(WeightSource ws, int in, int out, boolean withBias) {
        return new Linear(ws.getPacked("weight", out, in), withBias ? ws.get("bias", out) : null);
    }

    /** A bias-free projection stored as {@code x @ P} with {@code P [in, out]} (OpenAI {@code proj}). */
    public static Linear fromMatmulWeight(float[] p, int in, int out) {
        if (p.length != in * out) {
            throw new IllegalArgumentException("projection [" + in + ", " + out + "] needs " + in * out
                    + " values, got " + p.length);
        }
        return new Linear(PackedMatrix.ofColumns(p, in, out), null);
    }

    public float[] forward(Ops ops, float[] x, int rows) {
        return ops.linear(x, rows, weight, bias, null);
    }

    public float[] forward(Ops ops, float[] x, int rows, Activation act) {
        return ops.linear(x, rows, weight, bias, act);
    }

    /**
     * {@code y = act([y +] x W^T + b)} for {@code rows} rows, into a caller's buffer (with
     * {@code accumulate}, the activation applies to the sum).
     */
    public void forwardInto(Ops ops, float[] x, int rows, Activation act, float[] y, boolean accumulate) {
        ops.linearInto(x, 0, rows, weight, bias, act, y, 0, accumulate);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    /** The weight {@code [out, in]} as a new row-major array (the layer itself keeps only the packed form). */
    public float[] weight() {
        return weight.toRowMajor();
    }

    /** The packed weight the layer multiplies with. */
    public PackedMatrix packedWeight() {
        return weight;
    }

    public float[] bias() {
        return bias;
    }
}
