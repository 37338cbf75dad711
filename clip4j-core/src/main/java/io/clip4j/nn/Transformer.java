package io.clip4j.nn;

import io.clip4j.tensor.Ops;

import java.util.List;

/** A stack of {@link ResidualAttentionBlock}s ({@code transformer.resblocks} / HF {@code encoder.layers}). */
public final class Transformer {

    private final List<ResidualAttentionBlock> blocks;
    private final int width;

    public Transformer(List<ResidualAttentionBlock> blocks, int width) {
        this.blocks = List.copyOf(blocks);
        this.width = width;
    }

    /**
     * Runs every block in place on {@code x [batch * len, width]}; traces {@code <prefix>.<i>} and
     * {@code <prefix>.<i>.after_attn} when {@code tracePrefix} is not null.
     */
    public void forward(Ops ops, float[] x, int batch, int len, boolean causal, boolean[][] keyValid,
                        Trace trace, String tracePrefix) {
        forward(ops, new Workspace(), x, batch, len, causal, keyValid, trace, tracePrefix);
    }

    /** As {@link #forward(Ops, float[], int, int, boolean, boolean[][], Trace, String)}, with scratch from {@code ws}. */
    public void forward(Ops ops, Workspace ws, float[] x, int batch, int len, boolean causal, boolean[][] keyValid,
                        Trace trace, String tracePrefix) {
        for (int i = 0; i < blocks.size(); i++) {
            blocks.get(i).forward(ops, ws, x, batch, len, causal, keyValid, trace,
                    tracePrefix == null ? null : tracePrefix + "." + i);
        }
    }

    public List<ResidualAttentionBlock> blocks() {
        return blocks;
    }

    public int layers() {
        return blocks.size();
    }

    public int width() {
        return width;
    }
}
