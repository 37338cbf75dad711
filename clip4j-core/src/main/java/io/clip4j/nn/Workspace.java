package io.clip4j.nn;

import java.util.EnumMap;
import java.util.Map;

/**
 * Intermediate activations of one forward pass, reused from block to block: a 12-block tower asks for
 * each buffer 12 times and allocates it once. Not thread-safe and not meant to be: every forward call
 * makes its own, so a model shared between threads never shares scratch.
 */
public final class Workspace {

    /** The distinct intermediates of a transformer block. */
    public enum Slot {
        /** Layer-norm output, the input of attention or MLP. */
        NORMED,
        /** Packed query/key/value projections. */
        QKV,
        /** Attention output before the output projection. */
        CONTEXT,
        /** MLP hidden layer. */
        HIDDEN,
        /** A residual branch that cannot be added in place (LayerScale). */
        BRANCH
    }

    private final Map<Slot, float[]> buffers = new EnumMap<>(Slot.class);

    /** A buffer of at least {@code size} floats for {@code slot}; its contents are left from the last use. */
    public float[] get(Slot slot, int size) {
        float[] b = buffers.get(slot);
        if (b == null || b.length < size) {
            b = new float[size];
            buffers.put(slot, b);
        }
        return b;
    }
}
