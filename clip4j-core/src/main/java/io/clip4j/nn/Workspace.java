package io.clip4j.nn;

/**
 * Intermediate activations of one forward pass, reused from block to block and, through a
 * {@link WorkspacePool}, from call to call: a 12-block tower asks for each buffer 12 times per call and
 * allocates it once per pool. Not thread-safe and not meant to be: one forward call uses it at a time
 * (the pool hands each concurrent call its own), so a model shared between threads never shares scratch.
 *
 * <p>Closing a pooled workspace gives it back to its pool; its buffers must not be used afterwards.
 * A workspace made with {@code new Workspace()} belongs to no pool and closing it does nothing.
 */
public final class Workspace implements AutoCloseable {

    /** The distinct intermediates of a forward pass; each slot holds one buffer. */
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
        BRANCH,
        /** The residual stream of a tower: token embeddings, then every block's output. */
        TOKENS,
        /** Unfolded input patches (im2col) of a convolution. */
        COLUMNS,
        /** Feature maps of a convolutional tower: a block's input, updated in place by the residual ... */
        FEATURES,
        /** ... or the block's output when its shape changes (the two then trade places). */
        FEATURES_NEXT,
        /** The output of a block's first convolution. */
        CONV_1,
        /** The output of a block's second convolution. */
        CONV_2,
        /** An average-pooled feature map. */
        POOLED
    }

    private static final Slot[] SLOTS = Slot.values();

    private final float[][] buffers = new float[SLOTS.length][];
    private final WorkspacePool pool;

    /** A workspace outside any pool (for one call, or one caller that keeps it). */
    public Workspace() {
        this(null);
    }

    Workspace(WorkspacePool pool) {
        this.pool = pool;
    }

    /** A buffer of at least {@code size} floats for {@code slot}; its contents are left from the last use. */
    public float[] get(Slot slot, int size) {
        float[] b = buffers[slot.ordinal()];
        if (b == null || b.length < size) {
            b = new float[size];
            buffers[slot.ordinal()] = b;
        }
        return b;
    }

    /** Bytes held by all buffers. */
    public long byteSize() {
        long n = 0;
        for (float[] b : buffers) {
            n += b == null ? 0 : 4L * b.length;
        }
        return n;
    }

    /** Gives the workspace back to its pool (nothing for a workspace made without one). */
    @Override
    public void close() {
        if (pool != null) {
            pool.release(this);
        }
    }
}
