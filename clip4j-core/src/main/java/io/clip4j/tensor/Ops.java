package io.clip4j.tensor;

/**
 * Multi-threaded building blocks over {@link Kernels}: the operations the model layers call.
 * Rows are independent units of work; arrays are row-major with the stated shapes.
 *
 * <p>An {@code Ops} is immutable and thread-safe: outputs are allocated per call or passed in, and the
 * small scratch buffers of the kernels (GEMM packing, attention scores) belong to the thread using them.
 */
public final class Ops {

    private final Kernels k;

    public Ops(Kernels kernels) {
        this.k = kernels;
    }

    private static final Ops DEFAULT = new Ops(Kernels.get());

    /** Ops over the default kernels of this JVM. */
    public static Ops get() {
        return DEFAULT;
    }

    public Kernels kernels() {
        return k;
    }

    /**
     * {@code y = act(x W^T + bias)}, x {@code [rows, in]}, W {@code [out, in]} (PyTorch layout),
     * bias {@code [out]} or null, act null for none.
     */
    public float[] linear(float[] x, int rows, int in, float[] w, float[] bias, int out, Activation act) {
        float[] y = new float[Math.multiplyExact(rows, out)];
        gemmNT(rows, out, in, x, 0, in, w, 0, in, y, 0, out, bias, act);
        return y;
    }

    /** {@code y = act(x W^T + bias)} with a pre-packed weight, into a new {@code [rows, W.n()]} array. */
    public float[] linear(float[] x, int rows, PackedMatrix w, float[] bias, Activation act) {
        float[] y = new float[Math.multiplyExact(rows, w.n())];
        linearInto(x, 0, rows, w, bias, act, y, 0, false);
        return y;
    }

    /**
     * {@code y[yOff..] = act([y +] x W^T + bias)} for {@code rows} contiguous rows of {@code x} (from
     * {@code xOff}, width {@code W.k()}) into contiguous rows of {@code y} (width {@code W.n()}).
     * With {@code accumulate} the product is added to {@code y} (a residual connection) before the
     * activation.
     */
    public void linearInto(float[] x, int xOff, int rows, PackedMatrix w, float[] bias, Activation act,
                           float[] y, int yOff, boolean accumulate) {
        Gemm.multiply(k.gemmKernel(), rows, x, xOff, w.k(), w, y, yOff, w.n(), bias, act, accumulate, true);
    }

    /**
     * {@code C = act(A B^T + bias)} split over the compute threads; bias and activation are applied to
     * each output tile while it is still in cache.
     */
    public void gemmNT(int m, int n, int kk, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, float[] bias, Activation act) {
        Gemm.multiply(k.gemmKernel(), m, n, kk, a, aOff, lda, b, bOff, ldb, Gemm.Layout.NT, c, cOff, ldc, bias, act,
                false, true);
    }

    /** Layer norm of every row of {@code x [rows, n]} into a new array. */
    public float[] layerNorm(float[] x, int rows, int n, float[] gamma, float[] beta, float eps) {
        float[] y = new float[x.length];
        layerNormInto(x, y, rows, n, gamma, beta, eps);
        return y;
    }

    /** Layer norm of the first {@code rows} rows of {@code x [rows, n]} into {@code y}. */
    public void layerNormInto(float[] x, float[] y, int rows, int n, float[] gamma, float[] beta, float eps) {
        int chunk = Math.max(1, 4096 / Math.max(1, n));
        int tasks = (rows + chunk - 1) / chunk;
        Parallel.forRange(tasks, t -> {
            int end = Math.min(rows, (t + 1) * chunk);
            for (int r = t * chunk; r < end; r++) {
                k.layerNorm(x, r * n, y, r * n, n, gamma, beta, eps);
            }
        });
    }

    /** {@code y += x}, elementwise. */
    public void addInPlace(float[] y, float[] x) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("length mismatch " + x.length + " vs " + y.length);
        }
        k.add(x, 0, y, 0, x.length);
    }

    /**
     * Scaled dot-product attention for every (batch, head) pair. Queries, keys and values are rows
     * inside larger arrays: row {@code r} of batch item {@code b} starts at
     * {@code off + b * batchStride + r * rowStride}, head {@code h} occupies columns
     * {@code [h * headDim, (h + 1) * headDim)} of it. The result is written the same way into {@code out}.
     *
     * <p>Fused per (batch, head) task: scores for a block of queries are computed into a per-thread
     * buffer, masked, soft-maxed and multiplied by V straight into {@code out}; nothing of size
     * {@code batch x heads x lq x lk} exists at any time, and V is used in place.
     *
     * @param causal   query {@code i} sees keys {@code j <= i} only
     * @param keyValid per batch item, which keys may be attended (null: all)
     */
    public void attention(int batch, int heads, int lq, int lk, int headDim,
                          float[] q, int qOff, int qBatchStride, int qRowStride,
                          float[] kx, int kOff, int kBatchStride, int kRowStride,
                          float[] v, int vOff, int vBatchStride, int vRowStride,
                          float[] out, int oOff, int oBatchStride, int oRowStride,
                          boolean causal, boolean[][] keyValid) {
        float scale = (float) (1.0 / Math.sqrt(headDim));
        GemmKernel gk = k.gemmKernel();
        int block = Math.max(1, Math.min(lq, ATTENTION_QUERY_BLOCK));
        Parallel.forRange(batch * heads, t -> {
            int b = t / heads;
            int h = t % heads;
            int col = h * headDim;
            float[] s = attentionScratch(block * lk);
            boolean[] valid = keyValid == null ? null : keyValid[b];
            int kBase = kOff + b * kBatchStride + col;
            int vBase = vOff + b * vBatchStride + col;
            for (int i0 = 0; i0 < lq; i0 += block) {
                int rows = Math.min(block, lq - i0);
                // With the causal mask, keys after the block's last query are never seen.
                int keys = causal ? Math.min(lk, i0 + rows) : lk;
                Gemm.multiply(gk, rows, keys, headDim, q, qOff + b * qBatchStride + i0 * qRowStride + col, qRowStride,
                        kx, kBase, kRowStride, Gemm.Layout.NT, s, 0, keys, null, null, false, false);
                for (int i = 0; i < rows; i++) {
                    int row = i * keys;
                    k.scale(s, row, keys, scale);
                    if (causal || valid != null) {
                        for (int j = 0; j < keys; j++) {
                            if ((causal && j > i0 + i) || (valid != null && !valid[j])) {
                                s[row + j] = Float.NEGATIVE_INFINITY;
                            }
                        }
                    }
                    k.softmax(s, row, keys);
                }
                Gemm.multiply(gk, rows, headDim, keys, s, 0, keys, v, vBase, vRowStride, Gemm.Layout.NN,
                        out, oOff + b * oBatchStride + i0 * oRowStride + col, oRowStride, null, null, false, false);
            }
        });
    }

    /** Queries per block of fused attention: 64 x 197 scores are 50 KiB. */
    private static final int ATTENTION_QUERY_BLOCK = 64;

    private static final ThreadLocal<float[]> ATTENTION_SCRATCH = new ThreadLocal<>();

    private static float[] attentionScratch(int size) {
        float[] s = ATTENTION_SCRATCH.get();
        if (s == null || s.length < size) {
            s = new float[size];
            ATTENTION_SCRATCH.set(s);
        }
        return s;
    }

    /**
     * Unfolds one image {@code x [channels, height, width]} into patches for a convolution:
     * row {@code p} (output pixel {@code oy * outW + ox}) holds the {@code channels * kh * kw} inputs it
     * sees, in the order of a PyTorch conv weight {@code [out, in, kh, kw]}; padding reads zeros.
     */
    public static float[] im2col(float[] x, int xOff, int channels, int height, int width, int kh, int kw,
                                 int stride, int pad, int outH, int outW) {
        float[] col = new float[Math.multiplyExact(outH * outW, channels * kh * kw)];
        im2col(x, xOff, channels, height, width, kh, kw, stride, pad, outH, outW, col);
        return col;
    }

    /** As {@link #im2col(float[], int, int, int, int, int, int, int, int, int, int)}, into {@code col} (every value written). */
    public static void im2col(float[] x, int xOff, int channels, int height, int width, int kh, int kw,
                              int stride, int pad, int outH, int outW, float[] col) {
        int kk = channels * kh * kw;
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                int base = (oy * outW + ox) * kk;
                int idx = base;
                for (int c = 0; c < channels; c++) {
                    int plane = xOff + c * height * width;
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * stride - pad + ky;
                        if (iy < 0 || iy >= height) {
                            java.util.Arrays.fill(col, idx, idx + kw, 0f);
                            idx += kw;
                            continue;
                        }
                        int rowOff = plane + iy * width;
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = ox * stride - pad + kx;
                            col[idx++] = (ix >= 0 && ix < width) ? x[rowOff + ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Unfolds one image {@code x [channels, height, width]} for a convolution as {@code [channels * kh * kw,
     * outH * outW]}: row {@code (c * kh + ky) * kw + kx} holds, for every output pixel, the input it sees
     * through that kernel tap (zero in the padding). This is the {@code B} of {@code W [cout, cin*kh*kw] x B},
     * whose product is already the NCHW output, and each row is filled with runs of contiguous copies.
     */
    public static float[] im2colRows(float[] x, int xOff, int channels, int height, int width, int kh, int kw,
                                     int stride, int pad, int outH, int outW) {
        int plane = outH * outW;
        float[] col = new float[Math.multiplyExact(channels * kh * kw, plane)];
        for (int c = 0; c < channels; c++) {
            int src = xOff + c * height * width;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int row = ((c * kh + ky) * kw + kx) * plane;
                    for (int oy = 0; oy < outH; oy++) {
                        int iy = oy * stride - pad + ky;
                        int dst = row + oy * outW;
                        if (iy < 0 || iy >= height) {
                            continue; // already zero
                        }
                        int line = src + iy * width;
                        if (stride == 1) {
                            int lo = Math.max(0, pad - kx);
                            int hi = Math.min(outW, width + pad - kx);
                            if (hi > lo) {
                                System.arraycopy(x, line + lo - pad + kx, col, dst + lo, hi - lo);
                            }
                        } else {
                            for (int ox = 0; ox < outW; ox++) {
                                int ix = ox * stride - pad + kx;
                                if (ix >= 0 && ix < width) {
                                    col[dst + ox] = x[line + ix];
                                }
                            }
                        }
                    }
                }
            }
        }
        return col;
    }

    /**
     * 2-D convolution of a batch {@code x [n, cin, h, w]} with weight {@code [cout, cin*kh*kw]}
     * (optional bias), as {@code nn.Conv2d(bias, stride, padding)}: returns {@code [n, cout, outH, outW]}.
     * Per image one GEMM {@code W x im2col(x)}; a 1x1 convolution with stride 1 multiplies the input in place.
     */
    public float[] conv2d(float[] x, int n, int cin, int h, int w, float[] weight, float[] bias, int cout,
                          int kh, int kw, int stride, int pad) {
        int outH = (h + 2 * pad - kh) / stride + 1;
        int outW = (w + 2 * pad - kw) / stride + 1;
        int kk = cin * kh * kw;
        int plane = outH * outW;
        float[] y = new float[Math.multiplyExact(n * cout, plane)];
        GemmKernel gk = k.gemmKernel();
        for (int img = 0; img < n; img++) {
            float[] b;
            int bOff;
            if (kh == 1 && kw == 1 && stride == 1 && pad == 0) {
                b = x;
                bOff = img * cin * h * w;
            } else {
                b = im2colRows(x, img * cin * h * w, cin, h, w, kh, kw, stride, pad, outH, outW);
                bOff = 0;
            }
            Gemm.multiply(gk, cout, plane, kk, weight, 0, kk, b, bOff, plane, Gemm.Layout.NN,
                    y, img * cout * plane, plane, null, null, false, true);
            if (bias != null) {
                for (int c = 0; c < cout; c++) {
                    int off = img * cout * plane + c * plane;
                    float bc = bias[c];
                    for (int p = 0; p < plane; p++) {
                        y[off + p] += bc;
                    }
                }
            }
        }
        return y;
    }

    /** {@code [rows, cols]} starting at {@code off} into a new {@code [cols, rows]} array. */
    public static float[] transpose(float[] x, int off, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int src = off + r * cols;
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = x[src + c];
            }
        }
        return t;
    }

    /** Average pooling with kernel = stride = {@code k}, no padding, floor: {@code nn.AvgPool2d(k)}. */
    public static float[] avgPool2d(float[] x, int nc, int h, int w, int kSize) {
        int oh = h / kSize;
        int ow = w / kSize;
        float[] y = new float[nc * oh * ow];
        float inv = 1f / (kSize * kSize);
        for (int p = 0; p < nc; p++) {
            int in = p * h * w;
            int o = p * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float s = 0f;
                    for (int ky = 0; ky < kSize; ky++) {
                        int r = in + (oy * kSize + ky) * w + ox * kSize;
                        for (int kx = 0; kx < kSize; kx++) {
                            s += x[r + kx];
                        }
                    }
                    y[o + oy * ow + ox] = s * inv;
                }
            }
        }
        return y;
    }

    /** L2-normalises every row of {@code x [rows, n]} in place ({@code x / ||x||}, as the reference). */
    public static void l2NormalizeRows(float[] x, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                double v = x[r * n + i];
                s += v * v;
            }
            float inv = (float) (1.0 / Math.sqrt(s));
            for (int i = 0; i < n; i++) {
                x[r * n + i] *= inv;
            }
        }
    }
}
