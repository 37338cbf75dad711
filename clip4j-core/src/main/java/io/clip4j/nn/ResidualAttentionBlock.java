package io.clip4j.nn;

import io.clip4j.tensor.Ops;

/**
 * The pre-norm transformer block of CLIP, SigLIP and ViT:
 * {@code x = x + attn(ln_1(x)); x = x + mlp(ln_2(x))}.
 */
public final class ResidualAttentionBlock {

    private final LayerNorm ln1;
    private final MultiHeadAttention attn;
    private final LayerNorm ln2;
    private final Mlp mlp;
    private final float[] ls1; // timm LayerScale gammas (ls1.gamma, ls2.gamma), null when absent
    private final float[] ls2;

    public ResidualAttentionBlock(LayerNorm ln1, MultiHeadAttention attn, LayerNorm ln2, Mlp mlp) {
        this(ln1, attn, ln2, mlp, null, null);
    }

    /** With LayerScale: {@code x = x + ls1 * attn(ln_1(x)); x = x + ls2 * mlp(ln_2(x))}. */
    public ResidualAttentionBlock(LayerNorm ln1, MultiHeadAttention attn, LayerNorm ln2, Mlp mlp, float[] ls1, float[] ls2) {
        this.ln1 = ln1;
        this.attn = attn;
        this.ln2 = ln2;
        this.mlp = mlp;
        this.ls1 = ls1;
        this.ls2 = ls2;
    }

    private static void scaleRows(float[] x, float[] gamma) {
        if (gamma == null) {
            return;
        }
        int d = gamma.length;
        for (int i = 0; i < x.length; i++) {
            x[i] *= gamma[i % d];
        }
    }

    /**
     * Runs the block on {@code x [batch * len, D]} in place.
     *
     * @param traceName prefix for trace records ({@code <name>.after_attn}, {@code <name>}), or null
     */
    public void forward(Ops ops, float[] x, int batch, int len, boolean causal, boolean[][] keyValid,
                        Trace trace, String traceName) {
        int rows = batch * len;
        float[] a = attn.selfAttention(ops, ln1.forward(ops, x, rows), batch, len, causal, keyValid);
        scaleRows(a, ls1);
        ops.addInPlace(x, a);
        if (traceName != null) {
            Trace.emit(trace, traceName + ".after_attn", x, batch, len, attn.dim());
        }
        float[] m = mlp.forward(ops, ln2.forward(ops, x, rows), rows);
        scaleRows(m, ls2);
        ops.addInPlace(x, m);
        if (traceName != null) {
            Trace.emit(trace, traceName, x, batch, len, attn.dim());
        }
    }

    public LayerNorm ln1() {
        return ln1;
    }

    public MultiHeadAttention attn() {
        return attn;
    }

    public LayerNorm ln2() {
        return ln2;
    }

    public Mlp mlp() {
        return mlp;
    }
}
