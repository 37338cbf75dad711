package io.clip4j.train.autograd;

import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Parallel;
import io.clip4j.train.autograd.Matmul.Layout;

/**
 * Multi-head scaled dot-product attention {@code softmax(Q K^T / sqrt(d) + mask) V} with an optional
 * causal mask and per-item key padding masks, and its backward pass. The softmax probabilities are
 * kept for the backward pass; every product reads the heads in place through strides and the gradients
 * are accumulated straight into the inputs' gradient buffers.
 *
 * <p>Two forms: {@link #attention} for batches of equal-length sequences, and {@link #packed} for
 * sequences of different lengths stored one after another (no padding rows at all).
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

    /** One sequence: where its queries, keys, values and outputs start, and its lengths. */
    private record Item(int q, int k, int v, int o, int lq, int lk, boolean[] valid) {
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
        Item[] items = new Item[batch];
        for (int b = 0; b < batch; b++) {
            items[b] = new Item(q.offset() + b * q.batchStride(), k.offset() + b * k.batchStride(),
                    v.offset() + b * v.batchStride(), b * lq * width, lq, lk, keyValid == null ? null : keyValid[b]);
        }
        boolean sharedQuery = q.batchStride() == 0 && batch > 1;
        return run(tape, items, heads, headDim, batch * lq, q.source(), q.rowStride(), k.source(), k.rowStride(),
                v.source(), v.rowStride(), causal, sharedQuery);
    }

    /**
     * Self-attention over sequences of different lengths stored one after another: sequence {@code i} is
     * rows {@code starts[i] .. starts[i] + lengths[i] - 1} of {@code q}, {@code k} and {@code v} (whose
     * {@code offset} is the column where head 0 starts and {@code rowStride} the row width; their
     * {@code batchStride} is ignored). Returns {@code [rows, heads * headDim]}, rows as in the inputs.
     */
    public static Variable packed(Tape tape, int[] starts, int[] lengths, int heads, int headDim, Heads q, Heads k,
                                  Heads v, boolean causal) {
        int width = heads * headDim;
        int rows = 0;
        Item[] items = new Item[starts.length];
        for (int i = 0; i < starts.length; i++) {
            int r = starts[i];
            items[i] = new Item(q.offset() + r * q.rowStride(), k.offset() + r * k.rowStride(),
                    v.offset() + r * v.rowStride(), r * width, lengths[i], lengths[i], null);
            rows = Math.max(rows, r + lengths[i]);
        }
        return run(tape, items, heads, headDim, rows, q.source(), q.rowStride(), k.source(), k.rowStride(), v.source(),
                v.rowStride(), causal, false);
    }

    private static Variable run(Tape tape, Item[] items, int heads, int headDim, int outRows, Variable q, int qStride,
                                Variable k, int kStride, Variable v, int vStride, boolean causal, boolean sharedQuery) {
        int width = heads * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] qd = q.data();
        float[] kd = k.data();
        float[] vd = v.data();
        float[] out = new float[Math.multiplyExact(outRows, width)];
        float[][] probs = new float[items.length * heads][];
        Backend be = tape.backend();
        Kernels kern = be.kernels();
        Parallel.forRange(items.length * heads, t -> {
            Item it = items[t / heads];
            int col = (t % heads) * headDim;
            int lq = it.lq();
            int lk = it.lk();
            float[] s = new float[lq * lk];
            Matmul.gemm(be, lq, lk, headDim, qd, it.q() + col, qStride, kd, it.k() + col, kStride, Layout.NT, s, 0, lk,
                    null, false, false);
            boolean[] valid = it.valid();
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
            Matmul.gemm(be, lq, headDim, lk, s, 0, lk, vd, it.v() + col, vStride, Layout.NN, out, it.o() + col, width,
                    null, false, false);
            probs[t] = s;
        });
        Variable result = tape.output(out, new int[] {outRows, width}, q, k, v);
        if (result.requiresGrad()) {
            tape.record(result, () -> backward(be, items, heads, headDim, scale, q, qStride, k, kStride, v, vStride,
                    sharedQuery, probs, result.grad()));
        }
        return result;
    }

    private static void backward(Backend be, Item[] items, int heads, int headDim, float scale, Variable q, int qStride,
                                 Variable k, int kStride, Variable v, int vStride, boolean sharedQuery, float[][] probs,
                                 float[] dOut) {
        int width = heads * headDim;
        Kernels kern = be.kernels();
        float[] qd = q.data();
        float[] kd = k.data();
        float[] vd = v.data();
        boolean needQ = q.requiresGrad();
        boolean needK = k.requiresGrad();
        boolean needV = v.requiresGrad();
        // Buffers are allocated before the parallel section; tasks accumulate into disjoint regions of them,
        // except a shared query, whose per-item gradients are summed afterwards in order.
        float[] dq = needQ && !sharedQuery ? q.gradBuffer() : null;
        float[] dk = needK ? k.gradBuffer() : null;
        float[] dv = needV ? v.gradBuffer() : null;
        float[][] dqShared = needQ && sharedQuery ? new float[items.length * heads][] : null;
        Parallel.forRange(items.length * heads, t -> {
            Item it = items[t / heads];
            int col = (t % heads) * headDim;
            int lq = it.lq();
            int lk = it.lk();
            float[] p = probs[t];
            int oOff = it.o() + col;
            if (needV) {
                // dV += P^T dO
                Matmul.gemm(be, lk, headDim, lq, Matmul.transpose(p, lq, lk), 0, lq, dOut, oOff, width, Layout.NN,
                        dv, it.v() + col, vStride, null, true, false);
            }
            if (!needQ && !needK) {
                return;
            }
            // dP = dO V^T, then dS = P * (dP - rowsum(dP * P)) * scale
            float[] ds = new float[lq * lk];
            Matmul.gemm(be, lq, lk, headDim, dOut, oOff, width, vd, it.v() + col, vStride, Layout.NT, ds, 0, lk, null,
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
                    Matmul.gemm(be, lq, headDim, lk, ds, 0, lk, kd, it.k() + col, kStride, Layout.NN, g, 0, headDim,
                            null, false, false);
                    dqShared[t] = g;
                } else {
                    Matmul.gemm(be, lq, headDim, lk, ds, 0, lk, kd, it.k() + col, kStride, Layout.NN, dq, it.q() + col,
                            qStride, null, true, false);
                }
            }
            if (needK) {
                // dK += dS^T Q
                Matmul.gemm(be, lk, headDim, lq, Matmul.transpose(ds, lq, lk), 0, lq, qd, it.q() + col, qStride,
                        Layout.NN, dk, it.k() + col, kStride, null, true, false);
            }
        });
        if (dqShared != null) {
            float[] target = q.gradBuffer();
            for (int t = 0; t < dqShared.length; t++) {
                Item it = items[t / heads];
                int col = (t % heads) * headDim;
                for (int r = 0; r < it.lq(); r++) {
                    kern.add(dqShared[t], r * headDim, target, it.q() + r * qStride + col, headDim);
                }
            }
        }
    }
}
