package io.clip4j.nn;

import io.clip4j.tensor.Ops;
import io.clip4j.tensor.PackedMatrix;

import java.util.Arrays;

/**
 * {@code nn.MultiheadAttention} (batch-first here): packed input projection {@code in_proj_weight}
 * {@code [3D, D]} = [Wq; Wk; Wv] with bias, per-head scaled dot-product attention, {@code out_proj}.
 * Layouts with separate q/k/v projections (HF) are packed into the same form at load.
 */
public final class MultiHeadAttention {

    private final Linear inProj;   // [3D, D]; null for pooling heads, which keep the two parts below instead
    private final Linear qProj;    // for attention with a separate query (pooling heads)
    private final Linear kvProj;
    private final Linear outProj;
    private final int dim;
    private final int heads;

    /**
     * @param forPooling keep separate query and key/value projections (instead of the packed one), for
     *                   heads whose query is not the sequence itself ({@code AttentionPool2d}, SigLIP's MAP head)
     */
    public MultiHeadAttention(float[] inProjWeight, float[] inProjBias, Linear outProj, int dim, int heads, boolean forPooling) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("width " + dim + " is not divisible by " + heads + " heads");
        }
        if (inProjWeight.length != 3 * dim * dim || (inProjBias != null && inProjBias.length != 3 * dim)) {
            throw new IllegalArgumentException("in_proj of width " + dim + " needs [" + 3 * dim + ", " + dim + "] weights");
        }
        this.outProj = outProj;
        this.dim = dim;
        this.heads = heads;
        if (forPooling) {
            this.inProj = null;
            this.qProj = new Linear(PackedMatrix.ofRows(inProjWeight, 0, dim, dim),
                    inProjBias == null ? null : Arrays.copyOfRange(inProjBias, 0, dim));
            this.kvProj = new Linear(PackedMatrix.ofRows(inProjWeight, dim * dim, 2 * dim, dim),
                    inProjBias == null ? null : Arrays.copyOfRange(inProjBias, dim, 3 * dim));
        } else {
            this.inProj = new Linear(inProjWeight, inProjBias, dim, 3 * dim);
            this.qProj = null;
            this.kvProj = null;
        }
    }

    /** Self-attention over an already packed {@code [3D, D]} input projection. */
    public MultiHeadAttention(Linear inProj, Linear outProj, int heads) {
        int dim = outProj.out();
        if (dim % heads != 0) {
            throw new IllegalArgumentException("width " + dim + " is not divisible by " + heads + " heads");
        }
        if (inProj.in() != dim || inProj.out() != 3 * dim) {
            throw new IllegalArgumentException("in_proj of width " + dim + " needs [" + 3 * dim + ", " + dim
                    + "] weights, got [" + inProj.out() + ", " + inProj.in() + "]");
        }
        this.inProj = inProj;
        this.qProj = null;
        this.kvProj = null;
        this.outProj = outProj;
        this.dim = dim;
        this.heads = heads;
    }

    /** OpenAI / torch layout: {@code in_proj_weight}, {@code in_proj_bias}, {@code out_proj.{weight,bias}}. */
    public static MultiHeadAttention loadPacked(WeightSource ws, int dim, int heads, boolean forPooling) {
        Linear out = Linear.load(ws.pp("out_proj"), dim, dim, true);
        if (!forPooling) {
            // Packed straight from the checkpoint (no row-major copy to collect).
            Linear in = new Linear(ws.getPacked("in_proj_weight", 3 * dim, dim), ws.get("in_proj_bias", 3 * dim));
            return new MultiHeadAttention(in, out, heads);
        }
        return new MultiHeadAttention(ws.get("in_proj_weight", 3 * dim, dim), ws.get("in_proj_bias", 3 * dim),
                out, dim, heads, true);
    }

    /** Packs separate projections (HF {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code out_proj}). */
    public static MultiHeadAttention loadSeparate(WeightSource q, WeightSource k, WeightSource v, WeightSource out,
                                                  int dim, int heads, boolean bias, boolean forPooling) {
        float[] b = null;
        if (bias) {
            b = new float[3 * dim];
            System.arraycopy(q.get("bias", dim), 0, b, 0, dim);
            System.arraycopy(k.get("bias", dim), 0, b, dim, dim);
            System.arraycopy(v.get("bias", dim), 0, b, 2 * dim, dim);
        }
        if (!forPooling) {
            // One packed [3D, D] projection straight from the three checkpoint tensors.
            PackedMatrix w = WeightSource.getStackedPacked("weight", dim, dim, q, k, v);
            return new MultiHeadAttention(new Linear(w, b), Linear.load(out, dim, dim, true), heads);
        }
        float[] w = new float[3 * dim * dim];
        System.arraycopy(q.get("weight", dim, dim), 0, w, 0, dim * dim);
        System.arraycopy(k.get("weight", dim, dim), 0, w, dim * dim, dim * dim);
        System.arraycopy(v.get("weight", dim, dim), 0, w, 2 * dim * dim, dim * dim);
        return new MultiHeadAttention(w, b, Linear.load(out, dim, dim, true), dim, heads, forPooling);
    }

    /**
     * Self-attention over {@code x [batch * len, D]}.
     *
     * @param causal   the CLIP text tower's mask
     * @param keyValid per batch item, the keys that may be attended (HF padding mask), or null
     */
    public float[] selfAttention(Ops ops, float[] x, int batch, int len, boolean causal, boolean[][] keyValid) {
        float[] out = new float[batch * len * dim];
        selfAttentionInto(ops, x, batch, len, causal, keyValid, new Workspace(), out, false);
        return out;
    }

    /**
     * Self-attention over {@code x [batch * len, D]} into {@code out} (added to it with {@code accumulate}:
     * the residual connection fused into the output projection), with intermediates from {@code ws}.
     */
    public void selfAttentionInto(Ops ops, float[] x, int batch, int len, boolean causal, boolean[][] keyValid,
                                  Workspace ws, float[] out, boolean accumulate) {
        int rows = batch * len;
        int d3 = 3 * dim;
        float[] qkv = ws.get(Workspace.Slot.QKV, rows * d3);
        if (inProj != null) {
            inProj.forwardInto(ops, x, rows, null, qkv, false);
        } else { // pooling heads keep q and kv apart: write them side by side per row
            float[] q = qProj.forward(ops, x, rows);
            float[] kv = kvProj.forward(ops, x, rows);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(q, r * dim, qkv, r * d3, dim);
                System.arraycopy(kv, r * 2 * dim, qkv, r * d3 + dim, 2 * dim);
            }
        }
        int hd = dim / heads;
        float[] ctx = ws.get(Workspace.Slot.CONTEXT, rows * dim);
        ops.attention(batch, heads, len, len, hd,
                qkv, 0, len * d3, d3,
                qkv, dim, len * d3, d3,
                qkv, 2 * dim, len * d3, d3,
                ctx, 0, len * dim, dim, causal, keyValid);
        outProj.forwardInto(ops, ctx, rows, null, out, accumulate);
    }

    /**
     * Attention of {@code query [batch * lq, D]} over {@code kv [batch * lk, D]}; with
     * {@code queryShared} the same {@code lq} query rows serve every batch item (a learned probe).
     */
    public float[] crossAttention(Ops ops, float[] query, int lq, boolean queryShared, float[] kv, int lk, int batch) {
        if (qProj == null) {
            throw new IllegalStateException("attention was not built for pooling");
        }
        float[] q = qProj.forward(ops, query, queryShared ? lq : batch * lq);
        float[] kvp = kvProj.forward(ops, kv, batch * lk);
        int hd = dim / heads;
        float[] ctx = new float[batch * lq * dim];
        ops.attention(batch, heads, lq, lk, hd,
                q, 0, queryShared ? 0 : lq * dim, dim,
                kvp, 0, lk * 2 * dim, 2 * dim,
                kvp, dim, lk * 2 * dim, 2 * dim,
                ctx, 0, lq * dim, dim, false, null);
        return outProj.forward(ops, ctx, batch * lq);
    }

    public int dim() {
        return dim;
    }

    public int heads() {
        return heads;
    }

    /** The packed {@code [3D, D]} input projection (for pooling heads, assembled on request). */
    public Linear inProj() {
        if (inProj != null) {
            return inProj;
        }
        float[] w = new float[3 * dim * dim];
        System.arraycopy(qProj.weight(), 0, w, 0, dim * dim);
        System.arraycopy(kvProj.weight(), 0, w, dim * dim, 2 * dim * dim);
        float[] b = null;
        if (qProj.bias() != null) {
            b = new float[3 * dim];
            System.arraycopy(qProj.bias(), 0, b, 0, dim);
            System.arraycopy(kvProj.bias(), 0, b, dim, 2 * dim);
        }
        return new Linear(w, b, dim, 3 * dim);
    }

    public Linear outProj() {
        return outProj;
    }
}
