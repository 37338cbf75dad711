package io.clip4j.task;

import io.clip4j.tensor.Parallel;

/**
 * Per-feature standardisation {@code z = (x - mean) / scale}, as scikit-learn's StandardScaler: the mean
 * and the population standard deviation of each column; a constant column keeps scale 1 (it becomes 0).
 *
 * @param mean  per-feature mean
 * @param scale per-feature divisor (positive)
 */
record FeatureScaling(float[] mean, float[] scale) {

    /** Rows per task while accumulating the statistics; fixed, so the sums do not depend on the thread count. */
    private static final int ROWS_PER_TASK = 4096;

    /** No scaling: mean 0, scale 1. */
    static FeatureScaling identity(int dim) {
        float[] one = new float[dim];
        java.util.Arrays.fill(one, 1f);
        return new FeatureScaling(new float[dim], one);
    }

    /** The statistics of the {@code rows x dim} row-major matrix {@code x} (two passes, in double). */
    static FeatureScaling fit(float[] x, int rows, int dim) {
        double[] mean = columnSums(x, rows, dim, null);
        for (int j = 0; j < dim; j++) {
            mean[j] /= rows;
        }
        double[] var = columnSums(x, rows, dim, mean);
        float[] m = new float[dim];
        float[] s = new float[dim];
        for (int j = 0; j < dim; j++) {
            double sd = Math.sqrt(var[j] / rows);
            m[j] = (float) mean[j];
            // Features that never vary carry no information; dividing by ~0 would only amplify rounding.
            s[j] = sd > 1e-12 * Math.max(1.0, Math.abs(mean[j])) ? (float) sd : 1f;
        }
        return new FeatureScaling(m, s);
    }

    /** Column sums of {@code x} (center null) or of {@code (x - center)^2}. */
    private static double[] columnSums(float[] x, int rows, int dim, double[] center) {
        int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        double[][] partial = new double[tasks][];
        Parallel.forRange(tasks, t -> {
            double[] acc = new double[dim];
            int end = Math.min(rows, (t + 1) * ROWS_PER_TASK);
            for (int r = t * ROWS_PER_TASK; r < end; r++) {
                int off = r * dim;
                if (center == null) {
                    for (int j = 0; j < dim; j++) {
                        acc[j] += x[off + j];
                    }
                } else {
                    for (int j = 0; j < dim; j++) {
                        double v = x[off + j] - center[j];
                        acc[j] += v * v;
                    }
                }
            }
            partial[t] = acc;
        });
        double[] sum = new double[dim];
        for (double[] p : partial) {
            for (int j = 0; j < dim; j++) {
                sum[j] += p[j];
            }
        }
        return sum;
    }

    int dim() {
        return mean.length;
    }
}
