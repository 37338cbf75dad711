package io.clip4j.tensor;

/**
 * Multi-threaded building blocks over {@link Kernels}: the operations the model layers call.
 * Rows are independent units of work; arrays are row-major with the stated shapes.
 *
 * <p>An {@code Ops} is immutable and thread-safe; scratch memory is allocated per call.
 */
public final class Ops {

    /** Rows per GEMM task; columns are split further when there are few rows. */
    private static final int ROW_BLOCK = 64;

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

    /**
     * {@code C = act(A B^T + bias)} split over the pool; bias and activation are applied to each
     * output tile while it is still in cache.
     */
    public void gemmNT(int m, int n, int kk, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, float[] bias, Activation act) {
        if (m == 0 || n == 0) {
            return;
        }
        int threads = Parallel.threads();
        int rowBlocks = (m + ROW_BLOCK - 1) / ROW_BLOCK;
        int wantTasks = threads * 4;
        int colBlocks = Math.max(1, Math.min((n + 15) / 16, (wantTasks + rowBlocks - 1) / rowBlocks));
        if ((long) m * n * kk < 64L * 64 * 64) {
            rowBlocks = 1;
            colBlocks = 1;
        }
        int colChunk = ((n + colBlocks - 1) / colBlocks + 3) & ~3;
        int colTasks = (n + colChunk - 1) / colChunk;
        int rowChunk = (m + rowBlocks - 1) / rowBlocks;
        int rowTasks = (m + rowChunk - 1) / rowChunk;
        Parallel.forRange(rowTasks * colTasks, t -> {
            int r0 = (t / colTasks) * rowChunk;
            int c0 = (t % colTasks) * colChunk;
            int rs = Math.min(rowChunk, m - r0);
            int cs = Math.min(colChunk, n - c0);
            k.gemmNT(rs, cs, kk, a, aOff + r0 * lda, lda, b, bOff + c0 * ldb, ldb, c, cOff + r0 * ldc + c0, ldc);
            if (bias != null || act != null) {
                for (int i = 0; i < rs; i++) {
                    int row = cOff + (r0 + i) * ldc + c0;
                    if (bias != null) {
                        k.add(bias, c0, c, row, cs);
                    }
                    if (act != null) {
                        k.activate(act, c, row, cs);
                    }
                }
            }
        });
    }

    /** Layer norm of every row of {@code x [rows, n]} into a new array. */
    public float[] layerNorm(float[] x, int rows, int n, float[] gamma, float[] beta, float eps) {
        float[] y = new float[x.length];
        int chunk = Math.max(1, 4096 / Math.max(1, n));
        int tasks = (rows + chunk - 1) / chunk;
        Parallel.forRange(tasks, t -> {
            int end = Math.min(rows, (t + 1) * chunk);
            for (int r = t * chunk; r < end; r++) {
                k.layerNorm(x, r * n, y, r * n, n, gamma, beta, eps);
            }
        });
        return y;
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
        Parallel.forRange(batch * heads, t -> {
            int b = t / heads;
            int h = t % heads;
            int col = h * headDim;
            float[] s = new float[lq * lk];
            k.gemmNT(lq, lk, headDim, q, qOff + b * qBatchStride + col, qRowStride,
                    kx, kOff + b * kBatchStride + col, kRowStride, s, 0, lk);
            boolean[] valid = keyValid == null ? null : keyValid[b];
            for (int i = 0; i < lq; i++) {
                int row = i * lk;
                k.scale(s, row, lk, scale);
                if (causal || valid != null) {
                    for (int j = 0; j < lk; j++) {
                        if ((causal && j > i) || (valid != null && !valid[j])) {
                            s[row + j] = Float.NEGATIVE_INFINITY;
                        }
                    }
                }
                k.softmax(s, row, lk);
            }
            // V^T for this head so that P V is again an NT product.
            float[] vt = new float[headDim * lk];
            int vBase = vOff + b * vBatchStride + col;
            for (int j = 0; j < lk; j++) {
                int src = vBase + j * vRowStride;
                for (int d = 0; d < headDim; d++) {
                    vt[d * lk + j] = v[src + d];
                }
            }
            k.gemmNT(lq, headDim, lk, s, 0, lk, vt, 0, lk, out, oOff + b * oBatchStride + col, oRowStride);
        });
    }

    /**
     * Unfolds one image {@code x [channels, height, width]} into patches for a convolution:
     * row {@code p} (output pixel {@code oy * outW + ox}) holds the {@code channels * kh * kw} inputs it
     * sees, in the order of a PyTorch conv weight {@code [out, in, kh, kw]}; padding reads zeros.
     */
    public static float[] im2col(float[] x, int xOff, int channels, int height, int width, int kh, int kw,
                                 int stride, int pad, int outH, int outW) {
        int kk = channels * kh * kw;
        float[] col = new float[Math.multiplyExact(outH * outW, kk)];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                int base = (oy * outW + ox) * kk;
                int idx = base;
                for (int c = 0; c < channels; c++) {
                    int plane = xOff + c * height * width;
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * stride - pad + ky;
                        if (iy < 0 || iy >= height) {
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
        return col;
    }

    /**
     * 2-D convolution of a batch {@code x [n, cin, h, w]} with weight {@code [cout, cin*kh*kw]}
     * (optional bias), as {@code nn.Conv2d(bias, stride, padding)}: returns {@code [n, cout, outH, outW]}.
     */
    public float[] conv2d(float[] x, int n, int cin, int h, int w, float[] weight, float[] bias, int cout,
                          int kh, int kw, int stride, int pad) {
        int outH = (h + 2 * pad - kh) / stride + 1;
        int outW = (w + 2 * pad - kw) / stride + 1;
        int kk = cin * kh * kw;
        int plane = outH * outW;
        float[] y = new float[Math.multiplyExact(n * cout, plane)];
        for (int img = 0; img < n; img++) {
            float[] col;
            if (kh == 1 && kw == 1 && stride == 1 && pad == 0) {
                col = transpose(x, img * cin * h * w, cin, h * w);
            } else {
                col = im2col(x, img * cin * h * w, cin, h, w, kh, kw, stride, pad, outH, outW);
            }
            gemmNT(cout, plane, kk, weight, 0, kk, col, 0, kk, y, img * cout * plane, plane, null, null);
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
