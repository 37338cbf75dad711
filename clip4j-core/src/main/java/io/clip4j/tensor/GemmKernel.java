package io.clip4j.tensor;

/**
 * The register-tiled inner loop of {@link Gemm}: one tile of {@code C} of at most {@link #mr()} rows
 * and {@link #nr()} columns, over a block of {@code kc} steps of the shared dimension.
 *
 * <p>Operands: rows of {@code A} are read in place ({@code a[aOff + r * lda + p]}, {@code r < rows},
 * {@code p < kc}); {@code B} is one packed panel ({@code b[bOff + p * bStride + j]}, zero beyond the
 * matrix edge, see {@link PackedMatrix}); the tile of {@code C} starts at {@code cOff} with row stride
 * {@code ldc}, and only {@code rows x cols} of it are written.
 */
public interface GemmKernel {

    /** Rows of {@code C} per tile. */
    int mr();

    /** Columns of {@code C} per tile, and the panel width {@link PackedMatrix} packs for this kernel. */
    int nr();

    /**
     * {@code C = [C +] A B} over the tile.
     *
     * @param accumulate add to the values already in {@code C} (a previous block of k, or a residual)
     */
    void tile(int kc, float[] a, int aOff, int lda, int rows,
              float[] b, int bOff, int bStride,
              float[] c, int cOff, int ldc, int cols, boolean accumulate);

    /** {@code C = act(C + bias)} over a finished tile (bias indexed from {@code biasOff}; either may be null). */
    void finish(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff, Activation act);
}
