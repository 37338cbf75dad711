package io.clip4j.train.nn;

import io.clip4j.train.autograd.Attention;
import io.clip4j.train.autograd.Attention.Heads;
import io.clip4j.train.autograd.Indexing;
import io.clip4j.train.autograd.Linears;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

/**
 * Multi-head attention with an output projection, in either checkpoint layout: {@code nn.MultiheadAttention}'s
 * packed {@code in_proj_weight [3D, D]} / {@code in_proj_bias} (OpenAI, SigLIP's MAP head), or separate
 * {@code q_proj}, {@code k_proj}, {@code v_proj} linears (HF, CLIP's attention pool).
 */
public final class MultiheadAttention {

    private final Variable inProjWeight; // packed layout, else null
    private final Variable inProjBias;
    private final Linear q;              // separate layout, else null
    private final Linear k;
    private final Linear v;
    private final Linear out;
    private final int dim;
    private final int heads;

    private MultiheadAttention(Variable inProjWeight, Variable inProjBias, Linear q, Linear k, Linear v, Linear out,
                               int dim, int heads) {
        if (heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException("width " + dim + " is not divisible into " + heads + " heads");
        }
        this.inProjWeight = inProjWeight;
        this.inProjBias = inProjBias;
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        this.dim = dim;
        this.heads = heads;
    }

    /** {@code <prefix>.in_proj_weight}, {@code <prefix>.in_proj_bias}, {@code <prefix>.out_proj.*}. */
    public static MultiheadAttention packed(ParameterStore ps, String prefix, int dim, int heads) {
        return new MultiheadAttention(ps.param(prefix + ".in_proj_weight", 3 * dim, dim),
                ps.param(prefix + ".in_proj_bias", 3 * dim), null, null, null,
                new Linear(ps, prefix + ".out_proj", dim, dim, true), dim, heads);
    }

    /** Separate projections named {@code <prefix>.<qName>}, ... (HF: q_proj, k_proj, v_proj, out_proj). */
    public static MultiheadAttention separate(ParameterStore ps, String prefix, String qName, String kName, String vName,
                                              String outName, int dim, int outDim, int heads) {
        return new MultiheadAttention(null, null,
                new Linear(ps, prefix + "." + qName, dim, dim, true),
                new Linear(ps, prefix + "." + kName, dim, dim, true),
                new Linear(ps, prefix + "." + vName, dim, dim, true),
                new Linear(ps, prefix + "." + outName, dim, outDim, true), dim, heads);
    }

    /**
     * Self-attention over {@code x [rows, D]} whose rows form the sequences {@code seq}.
     *
     * @param keyValid per sequence, the keys that may be attended (padding mask; equal-length sequences
     *                 only), or null
     */
    public Variable selfAttention(Tape tape, Variable x, Sequences seq, boolean causal, boolean[][] keyValid) {
        int hd = dim / heads;
        Heads qh;
        Heads kh;
        Heads vh;
        if (inProjWeight != null) {
            Variable qkv = Linears.linear(tape, x, inProjWeight, keyBiasFrozen(tape, inProjBias));
            int d3 = 3 * dim;
            int bs = seq.len() * d3;
            qh = new Heads(qkv, 0, bs, d3);
            kh = new Heads(qkv, dim, bs, d3);
            vh = new Heads(qkv, 2 * dim, bs, d3);
        } else {
            int bs = seq.len() * dim;
            qh = new Heads(q.forward(tape, x), 0, bs, dim);
            kh = new Heads(keys(tape, x), 0, bs, dim);
            vh = new Heads(v.forward(tape, x), 0, bs, dim);
        }
        Variable ctx;
        if (seq.isPacked()) {
            if (keyValid != null) {
                throw new IllegalArgumentException("packed sequences have no padding to mask");
            }
            ctx = Attention.packed(tape, seq.starts(), seq.lengths(), heads, hd, qh, kh, vh, causal);
        } else {
            ctx = Attention.attention(tape, seq.batch(), heads, seq.len(), seq.len(), hd, qh, kh, vh, causal, keyValid);
        }
        return out.forward(tape, ctx);
    }

    /**
     * Attention of {@code query} ({@code [batch * lq, D]}, or {@code [lq, D]} shared by every item when
     * {@code queryShared}) over {@code kv [batch * lk, D]}: {@code [batch * lq, outDim]}.
     */
    public Variable crossAttention(Tape tape, Variable query, int lq, boolean queryShared, Variable kv, int lk, int batch) {
        int hd = dim / heads;
        Variable qx;
        Variable kx;
        Variable vx;
        if (inProjWeight != null) {
            Variable wq = Indexing.slice(tape, inProjWeight, 0, dim, dim);
            Variable bq = Indexing.slice(tape, inProjBias, 0, dim);
            Variable wk = Indexing.slice(tape, inProjWeight, dim * dim, dim, dim);
            Variable bk = Variable.constant(java.util.Arrays.copyOfRange(inProjBias.data(), dim, 2 * dim), dim);
            Variable wv = Indexing.slice(tape, inProjWeight, 2 * dim * dim, dim, dim);
            Variable bv = Indexing.slice(tape, inProjBias, 2 * dim, dim);
            qx = Linears.linear(tape, query, wq, bq);
            kx = Linears.linear(tape, kv, wk, bk);
            vx = Linears.linear(tape, kv, wv, bv);
        } else {
            qx = q.forward(tape, query);
            kx = keys(tape, kv);
            vx = v.forward(tape, kv);
        }
        Variable ctx = Attention.attention(tape, batch, heads, lq, lk, hd,
                new Heads(qx, 0, queryShared ? 0 : lq * dim, dim), new Heads(kx, 0, lk * dim, dim),
                new Heads(vx, 0, lk * dim, dim), false, null);
        return out.forward(tape, ctx);
    }

    /**
     * The key bias adds {@code q . b_k} to every score of a query's row, which the softmax cancels: the loss
     * does not depend on it and its gradient is exactly zero. It is applied as a constant so that the
     * gradient is zero rather than rounding noise (which AdamW would turn into spurious updates).
     */
    private Variable keyBiasFrozen(Tape tape, Variable packedBias) {
        return Indexing.blockGradient(tape, packedBias, dim, 2 * dim);
    }

    private Variable keys(Tape tape, Variable x) {
        return Linears.linear(tape, x, k.weight(), Variable.constant(k.bias().data(), dim));
    }

    public int dim() {
        return dim;
    }

    public int heads() {
        return heads;
    }
}
