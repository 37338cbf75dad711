package io.clip4j.nn;

import io.clip4j.tensor.Ops;

/** {@code nn.LayerNorm} over the last dimension. */
public final class LayerNorm {

    private final float[] weight;
    private final float[] bias;
    private final float eps;
    private final int dim;

    public LayerNorm(float[] weight, float[] bias, float eps) {
        this.weight = weight;
        this.bias = bias;
        this.eps = eps;
        this.dim = weight.length;
    }

    public static LayerNorm load(WeightSource ws, int dim, float eps) {
        return new LayerNorm(ws.get("weight", dim), ws.get("bias", dim), eps);
    }

    /** Normalises each of {@code rows} rows into a new array. */
    public float[] forward(Ops ops, float[] x, int rows) {
        return ops.layerNorm(x, rows, dim, weight, bias, eps);
    }

    /** Normalises the first {@code rows} rows of {@code x} into {@code y}. */
    public void forwardInto(Ops ops, float[] x, int rows, float[] y) {
        ops.layerNormInto(x, y, rows, dim, weight, bias, eps);
    }

    public int dim() {
        return dim;
    }

    public float[] weight() {
        return weight;
    }

    public float[] bias() {
        return bias;
    }

    public float eps() {
        return eps;
    }
}
