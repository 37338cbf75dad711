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

    /**
     * Runs the block on {@code x [batch * len, D]} in place.
     *
     * @param traceName prefix for trace records ({@code <name>.after_attn}, {@code <name>}), or null
     */
    public void forward(Ops ops, float[] x, int batch, int len, boolean causal, boolean[][] keyValid,
                        Trace trace, String traceName) {
        forward(ops, new Workspace(), x, batch, len, causal, keyValid, trace, traceName);
    }

    /**
     * As {@link #forward(Ops, float[], int, int, boolean, boolean[][], Trace, String)}, with intermediates
     * from {@code ws}. Both residual additions happen inside the output products (no extra pass over
     * {@code x}) unless LayerScale has to scale the branch first.
     */
    public void forward(Ops ops, Workspace ws, float[] x, int batch, int len, boolean causal, boolean[][] keyValid,
                        Trace trace, String traceName) {
        int rows = batch * len;
        int d = attn.dim();
        float[] normed = ws.get(Workspace.Slot.NORMED, rows * d);
        ln1.forwardInto(ops, x, rows, normed);
        if (ls1 == null) {
            attn.selfAttentionInto(ops, normed, batch, len, causal, keyValid, ws, x, true);
        } else {
            float[] branch = ws.get(Workspace.Slot.BRANCH, rows * d);
            attn.selfAttentionInto(ops, normed, batch, len, causal, keyValid, ws, branch, false);
            addScaled(ops, x, branch, ls1, rows);
        }
        if (traceName != null) {
            Trace.emit(trace, traceName + ".after_attn", x, batch, len, d);
        }
        ln2.forwardInto(ops, x, rows, normed);
        if (ls2 == null) {
            mlp.forwardInto(ops, normed, rows, ws, x, true);
        } else {
            float[] branch = ws.get(Workspace.Slot.BRANCH, rows * d);
            mlp.forwardInto(ops, normed, rows, ws, branch, false);
            addScaled(ops, x, branch, ls2, rows);
        }
        if (traceName != null) {
            Trace.emit(trace, traceName, x, batch, len, d);
        }
    }

    /** {@code x[r, :] += gamma * branch[r, :]} (LayerScale). */
    private static void addScaled(Ops ops, float[] x, float[] branch, float[] gamma, int rows) {
        int d = gamma.length;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < d; i++) {
                x[r * d + i] += gamma[i] * branch[r * d + i];
            }
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
