package io.clip4j.train.nn;

import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

import java.util.List;

/**
 * A stack of {@link ResidualAttentionBlock}s. With {@code recompute}, each block keeps only its input
 * during the forward pass and is run again during the backward pass (activation checkpointing).
 */
public final class Transformer {

    private final List<ResidualAttentionBlock> blocks;
    private boolean recompute;

    public Transformer(List<ResidualAttentionBlock> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** Turns activation recomputation per block on or off. */
    public void setRecompute(boolean recompute) {
        this.recompute = recompute;
    }

    public Variable forward(Tape tape, Variable x, Sequences seq, boolean causal, boolean[][] keyValid) {
        for (ResidualAttentionBlock b : blocks) {
            if (recompute && tape.enabled()) {
                x = tape.checkpoint(x, (t, in) -> b.forward(t, in, seq, causal, keyValid));
            } else {
                x = b.forward(tape, x, seq, causal, keyValid);
            }
        }
        return x;
    }

    public int layers() {
        return blocks.size();
    }
}
