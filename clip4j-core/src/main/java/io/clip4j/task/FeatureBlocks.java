package io.clip4j.task;

import io.clip4j.tensor.Parallel;

/**
 * A selection of labelled, standardised feature rows, cut into blocks of consecutive rows stored
 * row-major ({@code [rows, dim]}). A block is about {@link #BLOCK_BYTES} so that it stays in a core's
 * cache between the two passes over it (logits {@code X W'}, then the gradient {@code R' X}): the data
 * set then travels from memory once per evaluation.
 */
final class FeatureBlocks {

    /** Target size of one block. */
    static final int BLOCK_BYTES = 256 * 1024;

    private final int rows;
    private final int dim;
    private final int blockRows;
    private final int[] labels;
    private final float[][] blocks;

    private FeatureBlocks(int rows, int dim, int blockRows, int[] labels, float[][] blocks) {
        this.rows = rows;
        this.dim = dim;
        this.blockRows = blockRows;
        this.labels = labels;
        this.blocks = blocks;
    }

    /** Rows per block for features of width {@code dim}: depends on the width only, never on the machine. */
    static int blockRowsFor(int dim) {
        return Math.max(16, Math.min(512, BLOCK_BYTES / 4 / dim));
    }

    /**
     * Copies rows {@code select} of the row-major {@code features [*, dim]}, standardised with
     * {@code scaling}, with their labels.
     */
    static FeatureBlocks of(float[] features, int dim, int[] select, int[] allLabels, FeatureScaling scaling) {
        int n = select.length;
        int br = blockRowsFor(dim);
        int nb = (n + br - 1) / br;
        float[][] blocks = new float[nb][];
        int[] labels = new int[n];
        float[] mean = scaling.mean();
        float[] inv = new float[dim];
        for (int j = 0; j < dim; j++) {
            inv[j] = 1f / scaling.scale()[j];
        }
        Parallel.forRange(nb, b -> {
            int start = b * br;
            int r = Math.min(br, n - start);
            float[] x = new float[r * dim];
            for (int i = 0; i < r; i++) {
                int src = select[start + i] * dim;
                labels[start + i] = allLabels[select[start + i]];
                for (int j = 0; j < dim; j++) {
                    x[i * dim + j] = (features[src + j] - mean[j]) * inv[j];
                }
            }
            blocks[b] = x;
        });
        return new FeatureBlocks(n, dim, br, labels, blocks);
    }

    int rows() {
        return rows;
    }

    int dim() {
        return dim;
    }

    /** The most rows in one block. */
    int maxBlockRows() {
        return blockRows;
    }

    int blockCount() {
        return blocks.length;
    }

    int blockStart(int b) {
        return b * blockRows;
    }

    int blockRows(int b) {
        return Math.min(blockRows, rows - b * blockRows);
    }

    /** Block {@code b}, {@code [blockRows(b), dim]} row-major. */
    float[] block(int b) {
        return blocks[b];
    }

    /** The label of row {@code i} (in selection order). */
    int label(int i) {
        return labels[i];
    }
}
