package io.clip4j.train.autograd;

import io.clip4j.tensor.Ops;

/** {@code nn.Conv2d} (groups 1) as im2col and matrix products, and {@code nn.AvgPool2d}. */
public final class Convolutions {

    private Convolutions() {
    }

    /**
     * Non-overlapping patches of images {@code pixels [n, c, s, s]} as rows {@code [n * (s/p)^2, c * p * p]},
     * in the order of a conv weight {@code [out, c, p, p]}: a patchify convolution is then a linear layer.
     */
    public static float[] patches(float[] pixels, int n, int channels, int size, int patch) {
        int grid = size / patch;
        int k = channels * patch * patch;
        int plane = channels * size * size;
        float[] out = new float[Math.multiplyExact(n * grid * grid, k)];
        Chunks.forEach(n, 16, (from, to) -> {
            for (int b = from; b < to; b++) {
                float[] col = Ops.im2col(pixels, b * plane, channels, size, size, patch, patch, patch, 0, grid, grid);
                System.arraycopy(col, 0, out, b * grid * grid * k, col.length);
            }
        });
        return out;
    }

    /** {@code conv2d(x [n, cin, h, w], weight [cout, cin, k, k], bias [cout] or null, stride, padding)}. */
    public static Variable conv2d(Tape tape, Variable x, Variable weight, Variable bias, int stride, int pad) {
        int n = x.dim(0);
        int cin = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int cout = weight.dim(0);
        int kh = weight.dim(2);
        int kw = weight.dim(3);
        if (weight.dim(1) != cin) {
            throw new IllegalArgumentException("conv2d: input " + x + " does not match weight " + weight);
        }
        int outH = (h + 2 * pad - kh) / stride + 1;
        int outW = (w + 2 * pad - kw) / stride + 1;
        int plane = outH * outW;
        int kk = cin * kh * kw;
        float[] xd = x.data();
        float[] wd = weight.data();
        float[] y = new float[Math.multiplyExact(n * cout, plane)];
        Chunks.forEach(n, 1, (from, to) -> {
            for (int img = from; img < to; img++) {
                float[] col = Ops.im2col(xd, img * cin * h * w, cin, h, w, kh, kw, stride, pad, outH, outW);
                Matmul.gemm(tape.backend(), cout, plane, kk, wd, 0, kk, col, 0, kk, Matmul.Layout.NT, y, img * cout * plane, plane, null, false, false);
                if (bias != null) {
                    for (int c = 0; c < cout; c++) {
                        float b = bias.data()[c];
                        int off = img * cout * plane + c * plane;
                        for (int p = 0; p < plane; p++) {
                            y[off + p] += b;
                        }
                    }
                }
            }
        });
        Variable out = tape.output(y, new int[] {n, cout, outH, outW}, x, weight, bias);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                if (bias != null && bias.requiresGrad()) {
                    float[] db = new float[cout];
                    for (int img = 0; img < n; img++) {
                        for (int c = 0; c < cout; c++) {
                            double s = 0;
                            int off = (img * cout + c) * plane;
                            for (int p = 0; p < plane; p++) {
                                s += g[off + p];
                            }
                            db[c] += (float) s;
                        }
                    }
                    bias.addGrad(db);
                }
                float[] dw = weight.requiresGrad() ? new float[cout * kk] : null;
                float[] dx = x.requiresGrad() ? new float[xd.length] : null;
                for (int img = 0; img < n; img++) {
                    float[] gy = java.util.Arrays.copyOfRange(g, img * cout * plane, (img + 1) * cout * plane);
                    if (dw != null) {
                        float[] col = Ops.im2col(xd, img * cin * h * w, cin, h, w, kh, kw, stride, pad, outH, outW);
                        // dW [cout, kk] += gy [cout, plane] * col [plane, kk]
                        float[] part = Matmul.nn(tape.backend(), cout, kk, plane, gy, col);
                        for (int i = 0; i < part.length; i++) {
                            dw[i] += part[i];
                        }
                    }
                    if (dx != null) {
                        // dCol [plane, kk] = gy^T [plane, cout] * W [cout, kk]
                        float[] dcol = Matmul.tn(tape.backend(), plane, kk, cout, gy, wd);
                        col2imAdd(dcol, dx, img * cin * h * w, cin, h, w, kh, kw, stride, pad, outH, outW);
                    }
                }
                if (dw != null) {
                    weight.addGrad(dw);
                }
                if (dx != null) {
                    x.addGrad(dx);
                }
            });
        }
        return out;
    }

    /** The adjoint of {@link Ops#im2col}: adds each patch row back onto the image positions it was read from. */
    static void col2imAdd(float[] col, float[] x, int xOff, int channels, int height, int width, int kh, int kw,
                          int stride, int pad, int outH, int outW) {
        int kk = channels * kh * kw;
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                int idx = (oy * outW + ox) * kk;
                for (int c = 0; c < channels; c++) {
                    int plane = xOff + c * height * width;
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * stride - pad + ky;
                        if (iy < 0 || iy >= height) {
                            idx += kw;
                            continue;
                        }
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = ox * stride - pad + kx;
                            if (ix >= 0 && ix < width) {
                                x[plane + iy * width + ix] += col[idx];
                            }
                            idx++;
                        }
                    }
                }
            }
        }
    }

    /** {@code nn.AvgPool2d(k)} (stride k, no padding, floor) on {@code x [n, c, h, w]}. */
    public static Variable avgPool2d(Tape tape, Variable x, int k) {
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int oh = h / k;
        int ow = w / k;
        float[] y = Ops.avgPool2d(x.data(), n * c, h, w, k);
        Variable out = tape.output(y, new int[] {n, c, oh, ow}, x);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                float[] dx = new float[x.size()];
                float inv = 1f / (k * k);
                for (int p = 0; p < n * c; p++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            float v = g[(p * oh + oy) * ow + ox] * inv;
                            for (int ky = 0; ky < k; ky++) {
                                int r = p * h * w + (oy * k + ky) * w + ox * k;
                                for (int kx = 0; kx < k; kx++) {
                                    dx[r + kx] += v;
                                }
                            }
                        }
                    }
                }
                x.addGrad(dx);
            });
        }
        return out;
    }
}
