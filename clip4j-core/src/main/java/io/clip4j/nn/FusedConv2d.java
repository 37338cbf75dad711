package io.clip4j.nn;

import io.clip4j.tensor.Activation;
import io.clip4j.tensor.ChannelsLast;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.PackedMatrix;

/**
 * An eval-mode {@code BatchNorm2d(Conv2d(x))} (groups = 1) over channels-last feature maps, as one GEMM
 * per image with everything after the products fused into its epilogue.
 *
 * <p>The batch norm is folded at load: its per-channel scale multiplies the weight rows and its shift
 * becomes the GEMM bias, so the normalised output comes straight out of the product; ReLU and a
 * residual addition ({@code relu(x + bn(conv(y)))}) are applied there too. In NHWC a pixel is a row: a
 * 1x1 convolution with stride 1 multiplies the feature map in place, a k x k one multiplies rows
 * gathered by {@link ChannelsLast#im2col} into a workspace buffer. The weight is packed once at load,
 * reordered to the gather's {@code (ky, kx, channel)} order.
 */
public final class FusedConv2d {

    private final PackedMatrix weight; // [out, k * k * in], columns in (ky, kx, channel) order
    private final float[] bias;        // [out]: the folded batch-norm shift (plus the conv's own bias)
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;

    private FusedConv2d(PackedMatrix weight, float[] bias, int in, int out, int kernel, int stride, int padding) {
        this.weight = weight;
        this.bias = bias;
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** {@code bn(conv(x))} with {@code bn} folded in; {@code bn} may be null (the convolution alone). */
    public static FusedConv2d of(Conv2d conv, BatchNorm2d bn) {
        int in = conv.in();
        int out = conv.out();
        int k = conv.kernel();
        if (bn != null && bn.channels() != out) {
            throw new IllegalArgumentException("batch norm over " + bn.channels() + " channels after a convolution with "
                    + out + " outputs");
        }
        float[] scale = bn == null ? null : bn.scale();
        float[] w = conv.weight(); // [out, in, k, k]
        int cols = k * k * in;
        float[] reordered = new float[out * cols];
        for (int o = 0; o < out; o++) {
            float s = scale == null ? 1f : scale[o];
            for (int c = 0; c < in; c++) {
                for (int t = 0; t < k * k; t++) {
                    reordered[o * cols + t * in + c] = w[(o * in + c) * k * k + t] * s;
                }
            }
        }
        float[] bias = new float[out];
        float[] shift = bn == null ? null : bn.shift();
        for (int o = 0; o < out; o++) {
            float b = conv.bias() == null ? 0f : conv.bias()[o];
            bias[o] = scale == null ? b : b * scale[o] + shift[o];
        }
        return new FusedConv2d(PackedMatrix.ofRows(reordered, 0, out, cols), bias, in, out, k, conv.stride(),
                conv.padding());
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

    public int outSize(int size) {
        return (size + 2 * padding - kernel) / stride + 1;
    }

    /**
     * {@code y = act([y +] bn(conv(x)))} for {@code n} images: {@code x [n, size, size, in]} (NHWC) into
     * {@code y [n, outSize, outSize, out]}; {@code act} may be null, {@code ws} provides the gather buffer.
     */
    public void forward(Ops ops, float[] x, int n, int size, float[] y, Activation act, boolean accumulate,
                        Workspace ws) {
        int os = outSize(size);
        if (kernel == 1 && stride == 1 && padding == 0) {
            ops.linearInto(x, 0, n * size * size, weight, bias, act, y, 0, accumulate);
            return;
        }
        int rows = os * os;
        float[] col = ws.get(Workspace.Slot.COLUMNS, rows * weight.k());
        for (int img = 0; img < n; img++) {
            ChannelsLast.im2col(x, img * size * size * in, size, size, in, kernel, stride, padding, os, os, col);
            ops.linearInto(col, 0, rows, weight, bias, act, y, img * rows * out, accumulate);
        }
    }

    /** Multiply-adds x 2 for one image of {@code size x size} input pixels. */
    public long flops(int size) {
        long os = outSize(size);
        return 2L * os * os * weight.k() * out;
    }
}
