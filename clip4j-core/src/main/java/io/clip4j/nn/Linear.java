package io.clip4j.nn;

import io.clip4j.tensor.Activation;
import io.clip4j.tensor.Ops;

/** {@code nn.Linear}: {@code y = x W^T + b}, weight stored {@code [out, in]}. */
public final class Linear {

    private final float[] weight;
    private final float[] bias;
    private final int in;
    private final int out;

    public Linear(float[] weight, float[] bias, int in, int out) {
        if (weight.length != in * out || (bias != null && bias.length != out)) {
            throw new IllegalArgumentException("Linear(" + in + ", " + out + "): weight/bias sizes do not match");
        }
        this.weight = weight;
        this.bias = bias;
        this.in = in;
        this.out = out;
    }

    /** Reads {@code weight [out, in]} and, if {@code withBias}, {@code bias [out]} under {@code ws}. */
    public static Linear load(WeightSource ws, int in, int out, boolean withBias) {
        return new Linear(ws.get("weight", out, in), withBias ? ws.get("bias", out) : null, in, out);
    }

    /** A bias-free projection stored as {@code x @ P} with {@code P [in, out]} (OpenAI {@code proj}). */
    public static Linear fromMatmulWeight(float[] p, int in, int out) {
        return new Linear(io.clip4j.tensor.Ops.transpose(p, 0, in, out), null, in, out);
    }

    public float[] forward(Ops ops, float[] x, int rows) {
        return ops.linear(x, rows, in, weight, bias, out, null);
    }

    public float[] forward(Ops ops, float[] x, int rows, Activation act) {
        return ops.linear(x, rows, in, weight, bias, out, act);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public float[] weight() {
        return weight;
    }

    public float[] bias() {
        return bias;
    }
}
