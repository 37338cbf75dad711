package io.clip4j.train.autograd;

import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Parallel;

/**
 * Multi-head scaled dot-product attention {@code softmax(Q K^T / sqrt(d) + mask) V} with an optional
 * causal mask and per-item key padding masks, and its backward pass. The softmax probabilities are
 * kept for the backward pass ({@code batch * heads * lq * lk} values).
 */
public final class Attention {

    private Attention() {
    }

    /**
     * Where the queries, keys or values of every head live inside a larger variable: row {@code r} of
     * batch item {@code b} starts at {@code offset + b * batchStride + r * rowStride}, and head {@code h}
     * occupies the {@code headDim} columns from {@code h * headDim} on. A {@code batchStride} of 0 shares
     * the rows between batch items (a learned probe query).
     */
    public record Heads(Variable source, int offset, int batchStride, int rowStride) {
    }

    /**
     * Attention of {@code lq} queries over {@code lk} keys for each of {@code batch} items and
     * {@code heads} heads; returns {@code [batch * lq, heads * headDim]}.
     *
     * @param causal   query {@code i} sees keys {@code j <= i} only
     * @param keyValid per batch item, which keys may be attended (null: all)
     */
    public static Variable attention(Tape tape, int batch, int heads, int lq, int lk, int headDim, Heads q, Heads k,
                                     Heads v, boolean causal, boolean[][] keyValid) {
        int width = heads * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] qd = q.source().data();
        float[] kd = k.source().data();
        float[] vd = v.source().data();
        float[] out = new float[Math.multiplyExact(batch * lq, width)];
        float[][] probs = new float[batch * heads][];
        Kernels kern = tape.backend().kernels();
        Parallel.forRange(batch * heads, t -> {
            int b = t / heads;
            int col = (t % heads) * headDim;
            float[] s = new float[lq * lk];
            kern.gemmNT(lq, lk, headDim, qd, q.offset() + b * q.batchStride() + col, q.rowStride(),
                    kd, k.offset() + b * k.batchStride() + col, k.rowStride(), s, 0, lk);
            boolean[] valid = keyValid == null ? null : keyValid[b];
            for (int i = 0; i < lq; i++) {
                int row = i * lk;
                kern.scale(s, row, lk, scale);
                if (causal || valid != null) {
                    for (int j = 0; j < lk; j++) {
                        if ((causal && j > i) || (valid != null && !valid[j])) {
                            s[row + j] = Float.NEGATIVE_INFINITY;
                        }
                    }
                }
                kern.softmax(s, row, lk);
            }
            float[] vt = gatherTransposed(vd, v.offset() + b * v.batchStride() + col, v.rowStride(), lk, headDim);
            kern.gemmNT(lq, headDim, lk, s, 0, lk, vt, 0, lk, out, b * lq * width + col, width);
            probs[t] = s;
        });
        Variable result = tape.output(out, new int[] {batch * lq, width}, q.source(), k.source(), v.source());
        if (result.requiresGrad()) {
            tape.record(result, () -> backward(kern, batch, heads, lq, lk, headDim, scale, q, k, v, probs, result.grad()));
        }
        return result;
    }

    private static void backward(Kernels kern, int batch, int heads, int lq, int lk, int headDim, float scale, Heads q, Heads k,
                                 Heads v, float[][] probs, float[] dOut) {
        int width = heads * headDim;
        float[] qd = q.source().data();
        float[] kd = k.source().data();
        float[] vd = v.source().data();
        boolean needQ = q.source().requiresGrad();
        boolean needK = k.source().requiresGrad();
        boolean needV = v.source().requiresGrad();
        boolean sharedQuery = q.batchStride() == 0 && batch > 1;
        // Buffers are allocated before the parallel section; tasks write disjoint regions of them,
        // except a shared query, whose per-item gradients are summed afterwards in order.
        float[] dq = needQ ? (sharedQuery ? null : gradBuffer(q.source())) : null;
        float[] dk = needK ? gradBuffer(k.source()) : null;
        float[] dv = needV ? gradBuffer(v.source()) : null;
        float[][] dqShared = needQ && sharedQuery ? new float[batch * heads][] : null;
        Parallel.forRange(batch * heads, t -> {
            int b = t / heads;
            int col = (t % heads) * headDim;
            float[] p = probs[t];
            int oOff = b * lq * width + col;
            int qOff = q.offset() + b * q.batchStride() + col;
            int kOff = k.offset() + b * k.batchStride() + col;
            int vOff = v.offset() + b * v.batchStride() + col;
            if (needV) {
                // dV = P^T dO
                float[] pt = transpose(p, lq, lk);
                float[] dOt = gatherTransposed(dOut, oOff, width, lq, headDim);
                float[] g = new float[lk * headDim];
                kern.gemmNT(lk, headDim, lq, pt, 0, lq, dOt, 0, lq, g, 0, headDim);
                addRows(g, dv, vOff, v.rowStride(), lk, headDim, kern);
            }
            if (!needQ && !needK) {
                return;
            }
            // dP = dO V^T, then dS = P * (dP - rowsum(dP * P)) * scale
            float[] ds = new float[lq * lk];
            kern.gemmNT(lq, lk, headDim, dOut, oOff, width, vd, vOff, v.rowStride(), ds, 0, lk);
            for (int i = 0; i < lq; i++) {
                int row = i * lk;
                float dot = kern.dot(ds, row, p, row, lk);
                for (int j = 0; j < lk; j++) {
                    ds[row + j] = p[row + j] * (ds[row + j] - dot) * scale;
                }
            }
            if (needQ) {
                // dQ = dS K
                float[] kt = gatherTransposed(kd, kOff, k.rowStride(), lk, headDim);
                float[] g = new float[lq * headDim];
                kern.gemmNT(lq, headDim, lk, ds, 0, lk, kt, 0, lk, g, 0, headDim);
                if (sharedQuery) {
                    dqShared[t] = g;
                } else {
                    addRows(g, dq, qOff, q.rowStride(), lq, headDim, kern);
                }
            }
            if (needK) {
                // dK = dS^T Q
                float[] dst = transpose(ds, lq, lk);
                float[] qt = gatherTransposed(qd, qOff, q.rowStride(), lq, headDim);
                float[] g = new float[lk * headDim];
                kern.gemmNT(lk, headDim, lq, dst, 0, lq, qt, 0, lq, g, 0, headDim);
                addRows(g, dk, kOff, k.rowStride(), lk, headDim, kern);
            }
        });
        if (dqShared != null) {
            float[] target = gradBuffer(q.source());
            for (int t = 0; t < dqShared.length; t++) {
                int col = (t % heads) * headDim;
                addRows(dqShared[t], target, q.offset() + col, q.rowStride(), lq, headDim, kern);
            }
        }
    }

    private static float[] gradBuffer(Variable v) {
        return v.gradBuffer();
    }

    /** Adds the dense {@code [rows, cols]} block {@code g} into {@code target} rows of the given stride. */
    private static void addRows(float[] g, float[] target, int off, int stride, int rows, int cols, Kernels kern) {
        for (int r = 0; r < rows; r++) {
            kern.add(g, r * cols, target, off + r * stride, cols);
        }
    }

    /** The {@code [rows, cols]} block at {@code off} (row stride {@code stride}) as a dense {@code [cols, rows]}. */
    private static float[] gatherTransposed(float[] x, int off, int stride, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int src = off + r * stride;
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = x[src + c];
            }
        }
        return t;
    }

    private static float[] transpose(float[] x, int rows, int cols) {
        return gatherTransposed(x, 0, cols, rows, cols);
    }
}
