package io.clip4j.train.autograd;

import io.clip4j.tensor.Kernels;

/** Gathers, scatters and concatenations along rows: embeddings, pooling, class tokens. */
public final class Indexing {

    private Indexing() {
    }

    /**
     * {@code nn.Embedding}: rows {@code ids} of {@code weight [vocab, width]}, as {@code [ids.length, width]}.
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public static Variable embedding(Tape tape, Variable weight, int[] ids) {
        int vocab = weight.dim(0);
        int w = weight.dim(1);
        float[] wd = weight.data();
        float[] y = new float[Math.multiplyExact(ids.length, w)];
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " at position " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
            System.arraycopy(wd, id * w, y, i * w, w);
        }
        Variable out = tape.output(y, new int[] {ids.length, w}, weight);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                float[] dw = weight.gradBuffer();
                Kernels k = Kernels.get();
                for (int i = 0; i < ids.length; i++) {
                    k.add(g, i * w, dw, ids[i] * w, w);
                }
            });
        }
        return out;
    }

    /** Rows {@code index} of {@code x [rows, width]} (any rank; the last dimension is the width): {@code [index.length, width]}. */
    public static Variable selectRows(Tape tape, Variable x, int[] index) {
        int w = x.dim(-1);
        int rows = x.size() / w;
        float[] xd = x.data();
        float[] y = new float[index.length * w];
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= rows) {
                throw new IndexOutOfBoundsException("row " + index[i] + " of " + rows);
            }
            System.arraycopy(xd, index[i] * w, y, i * w, w);
        }
        Variable out = tape.output(y, new int[] {index.length, w}, x);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                float[] dx = new float[xd.length];
                for (int i = 0; i < index.length; i++) {
                    int dst = index[i] * w;
                    for (int c = 0; c < w; c++) {
                        dx[dst + c] += g[i * w + c];
                    }
                }
                x.addGrad(dx);
            });
        }
        return out;
    }

    /**
     * Prepends the same {@code prefix [t, width]} rows (class token, ...) to each of {@code batch} sequences
     * of {@code x [batch * len, width]}: {@code [batch * (t + len), width]}.
     */
    public static Variable prependTokens(Tape tape, Variable prefix, Variable x, int batch) {
        int w = x.dim(-1);
        int t = prefix.size() / w;
        int len = x.size() / w / batch;
        int outLen = t + len;
        float[] xd = x.data();
        float[] pd = prefix.data();
        float[] y = new float[batch * outLen * w];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(pd, 0, y, b * outLen * w, t * w);
            System.arraycopy(xd, b * len * w, y, (b * outLen + t) * w, len * w);
        }
        Variable out = tape.output(y, new int[] {batch * outLen, w}, prefix, x);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                if (prefix.requiresGrad()) {
                    float[] dp = new float[t * w];
                    for (int b = 0; b < batch; b++) {
                        for (int i = 0; i < t * w; i++) {
                            dp[i] += g[b * outLen * w + i];
                        }
                    }
                    prefix.addGrad(dp);
                }
                if (x.requiresGrad()) {
                    float[] dx = new float[xd.length];
                    for (int b = 0; b < batch; b++) {
                        System.arraycopy(g, (b * outLen + t) * w, dx, b * len * w, len * w);
                    }
                    x.addGrad(dx);
                }
            });
        }
        return out;
    }

    /**
     * CLIP's attention-pool tokens from a feature map {@code x [n, c, h, w]}: per image the spatial mean
     * followed by the {@code h * w} positions, channels last: {@code [n * (h * w + 1), c]}.
     */
    public static Variable meanAndSpatialTokens(Tape tape, Variable x) {
        int n = x.dim(0);
        int c = x.dim(1);
        int hw = x.dim(2) * x.dim(3);
        int len = hw + 1;
        float[] xd = x.data();
        float[] y = new float[n * len * c];
        for (int b = 0; b < n; b++) {
            int tb = b * len * c;
            for (int ch = 0; ch < c; ch++) {
                int src = (b * c + ch) * hw;
                double sum = 0;
                for (int p = 0; p < hw; p++) {
                    float v = xd[src + p];
                    y[tb + (p + 1) * c + ch] = v;
                    sum += v;
                }
                y[tb + ch] = (float) (sum / hw);
            }
        }
        Variable out = tape.output(y, new int[] {n * len, c}, x);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                float[] dx = new float[xd.length];
                for (int b = 0; b < n; b++) {
                    int tb = b * len * c;
                    for (int ch = 0; ch < c; ch++) {
                        int dst = (b * c + ch) * hw;
                        float m = g[tb + ch] / hw;
                        for (int p = 0; p < hw; p++) {
                            dx[dst + p] = g[tb + (p + 1) * c + ch] + m;
                        }
                    }
                }
                x.addGrad(dx);
            });
        }
        return out;
    }

    /** Mean over the tokens {@code from..len-1} of each sequence of {@code x [batch * len, width]}: {@code [batch, width]}. */
    public static Variable meanTokens(Tape tape, Variable x, int batch, int from) {
        int w = x.dim(-1);
        int len = x.size() / w / batch;
        int count = len - from;
        float[] xd = x.data();
        float[] y = new float[batch * w];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < w; c++) {
                double s = 0;
                for (int t = from; t < len; t++) {
                    s += xd[(b * len + t) * w + c];
                }
                y[b * w + c] = (float) (s / count);
            }
        }
        Variable out = tape.output(y, new int[] {batch, w}, x);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                float[] dx = new float[xd.length];
                for (int b = 0; b < batch; b++) {
                    for (int t = from; t < len; t++) {
                        for (int c = 0; c < w; c++) {
                            dx[(b * len + t) * w + c] = g[b * w + c] / count;
                        }
                    }
                }
                x.addGrad(dx);
            });
        }
        return out;
    }

    /** The flat range {@code [offset, offset + product(shape))} of {@code x} as a variable of {@code shape}. */
    public static Variable slice(Tape tape, Variable x, int offset, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (offset < 0 || offset + n > x.size()) {
            throw new IndexOutOfBoundsException("slice [" + offset + ", " + (offset + n) + ") of " + x);
        }
        float[] y = java.util.Arrays.copyOfRange(x.data(), offset, offset + n);
        Variable out = tape.output(y, shape, x);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                float[] dx = x.gradBuffer();
                for (int i = 0; i < g.length; i++) {
                    dx[offset + i] += g[i];
                }
            });
        }
        return out;
    }

    /**
     * {@code x} unchanged, except that no gradient flows back to its values {@code [from, to)}: for
     * values the loss provably does not depend on (an attention key bias shifts every score of a query
     * row by the same amount, which the softmax cancels), so that their gradient is exactly zero rather
     * than rounding noise.
     */
    public static Variable blockGradient(Tape tape, Variable x, int from, int to) {
        Variable out = tape.output(x.data(), x.shape(), x);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                java.util.Arrays.fill(g, from, to, 0f);
                x.addGrad(g);
            });
        }
        return out;
    }
}
