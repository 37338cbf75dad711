package io.clip4j.train.autograd;

import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Parallel;
import io.clip4j.train.autograd.Matmul.Layout;

/**
 * Multi-head scaled dot-product attention {@code softmax(Q K^T / sqrt(d) + mask) V} with an optional
 * causal mask and per-item key padding masks, and its backward pass. The softmax probabilities are
 * kept for the backward pass ({@code batch * heads * lq * lk} values); every product reads the heads in
 * place through strides and the gradients are accumulated straight into the inputs' gradient buffers.
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
        Backend be = tape.backend();
        Kernels kern = be.kernels();
        Parallel.forRange(batch * heads, t -> {
            int b = t / heads;
            int col = (t % heads) * headDim;
            float[] s = new float[lq * lk];
            Matmul.gemm(be, lq, lk, headDim, qd, q.offset() + b * q.batchStride() + col, q.rowStride(),
                    kd, k.offset() + b * k.batchStride() + col, k.rowStride(), Layout.NT, s, 0, lk, null, false, false);
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
            Matmul.gemm(be, lq, headDim, lk, s, 0, lk, vd, v.offset() + b * v.batchStride() + col, v.rowStride(), Layout.NN,
                    out, b * lq * width + col, width, null, false, false);
            probs[t] = s;
        });
        Variable result = tape.output(out, new int[] {batch * lq, width}, q.source(), k.source(), v.source());
        if (result.requiresGrad()) {
            tape.record(result, () -> backward(be, batch, heads, lq, lk, headDim, scale, q, k, v, probs, result.grad()));
        }
        return result;
    }

    private static void backward(Backend be, int batch, int heads, int lq, int lk, int headDim, float scale, Heads q,
                                 Heads k, Heads v, float[][] probs, float[] dOut) {
        int width = heads * headDim;
        Kernels kern = be.kernels();
        float[] qd = q.source().data();
        float[] kd = k.source().data();
        float[] vd = v.source().data();
        boolean needQ = q.source().requiresGrad();
        boolean needK = k.source().requiresGrad();
        boolean needV = v.source().requiresGrad();
        boolean sharedQuery = q.batchStride() == 0 && batch > 1;
        // Buffers are allocated before the parallel section; tasks accumulate into disjoint regions of them,
        // except a shared query, whose per-item gradients are summed afterwards in order.
        float[] dq = needQ && !sharedQuery ? q.source().gradBuffer() : null;
        float[] dk = needK ? k.source().gradBuffer() : null;
        float[] dv = needV ? v.source().gradBuffer() : null;
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
                // dV += P^T dO
                Matmul.gemm(be, lk, headDim, lq, Matmul.transpose(p, lq, lk), 0, lq, dOut, oOff, width, Layout.NN,
                        dv, vOff, v.rowStride(), null, true, false);
            }
            if (!needQ && !needK) {
                return;
            }
            // dP = dO V^T, then dS = P * (dP - rowsum(dP * P)) * scale
            float[] ds = new float[lq * lk];
            Matmul.gemm(be, lq, lk, headDim, dOut, oOff, width, vd, vOff, v.rowStride(), Layout.NT, ds, 0, lk, null,
                    false, false);
            for (int i = 0; i < lq; i++) {
                int row = i * lk;
                float dot = kern.dot(ds, row, p, row, lk);
                for (int j = 0; j < lk; j++) {
                    ds[row + j] = p[row + j] * (ds[row + j] - dot) * scale;
                }
            }
            if (needQ) {
                // dQ += dS K
                if (sharedQuery) {
                    float[] g = new float[lq * headDim];
                    Matmul.gemm(be, lq, headDim, lk, ds, 0, lk, kd, kOff, k.rowStride(), Layout.NN, g, 0, headDim, null,
                            false, false);
                    dqShared[t] = g;
                } else {
                    Matmul.gemm(be, lq, headDim, lk, ds, 0, lk, kd, kOff, k.rowStride(), Layout.NN, dq, qOff, q.rowStride(),
                            null, true, false);
                }
            }
            if (needK) {
                // dK += dS^T Q
                Matmul.gemm(be, lk, headDim, lq, Matmul.transpose(ds, lq, lk), 0, lq, qd, qOff, q.rowStride(), Layout.NN,
                        dk, kOff, k.rowStride(), null, true, false);
            }
        });
        if (dqShared != null) {
            float[] target = q.source().gradBuffer();
            for (int t = 0; t < dqShared.length; t++) {
                int col = (t % heads) * headDim;
                for (int r = 0; r < lq; r++) {
                    kern.add(dqShared[t], r * headDim, target, q.offset() + r * q.rowStride() + col, headDim);
                }
            }
        }
    }
}
