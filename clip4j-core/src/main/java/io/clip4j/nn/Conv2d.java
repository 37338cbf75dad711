package io.clip4j.nn;

import io.clip4j.tensor.Ops;

/** {@code nn.Conv2d} (groups = 1) as im2col + GEMM. Weight {@code [out, in, kh, kw]}. */
public final class Conv2d {

    private final float[] weight;
    private final float[] bias;
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;

    public Conv2d(float[] weight, float[] bias, int in, int out, int kernel, int stride, int padding) {
        this.weight = weight;
        this.bias = bias;
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    public static Conv2d load(WeightSource ws, int in, int out, int kernel, int stride, int padding, boolean withBias) {
        return new Conv2d(ws.get("weight", out, in, kernel, kernel), withBias ? ws.get("bias", out) : null,
                in, out, kernel, stride, padding);
    }

    public int outSize(int size) {
        return (size + 2 * padding - kernel) / stride + 1;
    }

    /** {@code x [n, in, h, w]} to {@code [n, out, outSize(h), outSize(w)]}. */
    public float[] forward(Ops ops, float[] x, int n, int h, int w) {
        return ops.conv2d(x, n, in, h, w, weight, bias, out, kernel, kernel, stride, padding);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public int kernel() {
        return kernel;
    }

    public float[] weight() {
        return weight;
    }

    public float[] bias() {
        return bias;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }
}
