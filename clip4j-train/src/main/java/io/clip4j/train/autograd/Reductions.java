package io.clip4j.train.autograd;

import io.clip4j.tensor.Parallel;

/**
 * Sums over rows that are deterministic whatever the number of threads: rows are cut into fixed
 * chunks, each chunk sums into its own buffer, and the buffers are added in chunk order.
 */
final class Reductions {

    /** Rows per partial sum. */
    static final int CHUNK_ROWS = 256;

    private Reductions() {
    }

    /** Per-chunk partial results of {@code width} values, to be combined in order. */
    interface ChunkBody {
        void accumulate(int rowFrom, int rowTo, float[] partial);
    }

    /** Runs {@code body} over chunks of {@code rows} and returns the ordered sum of the partials. */
    static float[] sumOverRows(int rows, int width, ChunkBody body) {
        int chunks = Math.max(1, (rows + CHUNK_ROWS - 1) / CHUNK_ROWS);
        if (chunks == 1) {
            float[] out = new float[width];
            body.accumulate(0, rows, out);
            return out;
        }
        float[][] partial = new float[chunks][];
        Parallel.forRange(chunks, c -> {
            float[] p = new float[width];
            body.accumulate(c * CHUNK_ROWS, Math.min(rows, (c + 1) * CHUNK_ROWS), p);
            partial[c] = p;
        });
        float[] out = partial[0];
        for (int c = 1; c < chunks; c++) {
            float[] p = partial[c];
            for (int i = 0; i < width; i++) {
                out[i] += p[i];
            }
        }
        return out;
    }

    static float[] columnSums(float[] x, int rows, int cols) {
        return sumOverRows(rows, cols, (from, to, acc) -> {
            for (int r = from; r < to; r++) {
                int off = r * cols;
                for (int c = 0; c < cols; c++) {
                    acc[c] += x[off + c];
                }
            }
        });
    }
}
