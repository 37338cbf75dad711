package io.clip4j.tensor;

/**
 * Helpers for feature maps stored channels-last (NHWC: {@code x[((img * h + y) * w + x) * c + ch]}), the
 * layout in which a convolution is a GEMM with one row per pixel: a 1x1 convolution multiplies the
 * feature map in place, a k x k one multiplies rows of {@code k * k * c} gathered inputs, and the
 * output channels come out as columns, where the GEMM epilogue adds the per-channel bias.
 */
public final class ChannelsLast {

    private ChannelsLast() {
    }

    /** {@code [n, c, h, w]} (from {@code xOff}) into {@code y [n, h, w, c]} (from {@code yOff}). */
    public static void fromChannelsFirst(float[] x, int xOff, int n, int c, int h, int w, float[] y, int yOff) {
        int plane = h * w;
        for (int img = 0; img < n; img++) {
            int src = xOff + img * c * plane;
            int dst = yOff + img * plane * c;
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < plane; p++) {
                    y[dst + p * c + ch] = x[src + ch * plane + p];
                }
            }
        }
    }

    /** {@code [n, h, w, c]} into a new {@code [n, c, h, w]} array (traces, which follow PyTorch's layout). */
    public static float[] toChannelsFirst(float[] x, int n, int h, int w, int c) {
        int plane = h * w;
        float[] y = new float[n * c * plane];
        for (int img = 0; img < n; img++) {
            for (int p = 0; p < plane; p++) {
                int src = (img * plane + p) * c;
                for (int ch = 0; ch < c; ch++) {
                    y[(img * c + ch) * plane + p] = x[src + ch];
                }
            }
        }
        return y;
    }

    /**
     * Unfolds one image {@code x [h, w, c]} (from {@code xOff}) for a {@code k x k} convolution: row
     * {@code oy * outW + ox} of {@code col} holds the {@code k * k * c} inputs that output pixel sees, in
     * the order {@code (ky, kx, channel)} (zeros in the padding). Output rows are split over the compute
     * threads: the copy costs about as much as the product that follows.
     */
    public static void im2col(float[] x, int xOff, int h, int w, int c, int k, int stride, int pad,
                              int outH, int outW, float[] col) {
        int rowLen = k * k * c;
        Parallel.forRange(outH, oy -> {
            for (int ox = 0; ox < outW; ox++) {
                int dst = (oy * outW + ox) * rowLen;
                for (int ky = 0; ky < k; ky++) {
                    int iy = oy * stride - pad + ky;
                    for (int kx = 0; kx < k; kx++) {
                        int ix = ox * stride - pad + kx;
                        if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                            java.util.Arrays.fill(col, dst, dst + c, 0f);
                        } else {
                            System.arraycopy(x, xOff + (iy * w + ix) * c, col, dst, c);
                        }
                        dst += c;
                    }
                }
            }
        });
    }

    /**
     * Average pooling with kernel = stride = {@code k}, no padding, floor ({@code nn.AvgPool2d(k)}) of
     * {@code x [n, h, w, c]} into {@code y [n, h / k, w / k, c]}: sums of whole channel rows, vectorised.
     */
    public static void avgPool(Kernels kern, float[] x, int n, int h, int w, int c, int k, float[] y) {
        int oh = h / k;
        int ow = w / k;
        float inv = 1f / (k * k);
        Parallel.forRange(n * oh, t -> {
            int img = t / oh;
            int oy = t % oh;
            for (int ox = 0; ox < ow; ox++) {
                int dst = ((img * oh + oy) * ow + ox) * c;
                java.util.Arrays.fill(y, dst, dst + c, 0f);
                for (int dy = 0; dy < k; dy++) {
                    for (int dx = 0; dx < k; dx++) {
                        kern.add(x, ((img * h + oy * k + dy) * w + ox * k + dx) * c, y, dst, c);
                    }
                }
                kern.scale(y, dst, c, inv);
            }
        });
    }
}
