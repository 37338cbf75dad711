package io.clip4j.index;

import java.util.SplittableRandom;

/**
 * Vectors that look like image embeddings rather than isotropic noise: a mixture of Gaussian clusters on
 * the unit sphere, all leaning towards one shared direction (CLIP embeddings sit in a narrow cone), each
 * cluster varying mostly along a few directions of its own (photos of one subject differ in a handful of
 * ways: pose, light, background) with decaying variances, plus a little isotropic noise; every vector is
 * L2-normalised. Measured intrinsic dimensionalities of CLIP embeddings are a few tens, not hundreds; a
 * cluster of pure isotropic 512-d noise would make all its points equidistant, which no real embedding
 * set looks like. Vector {@code i} depends only on the seed and {@code i}, so any range can be generated
 * on any thread, and queries drawn with another stream are new points from the same distribution.
 */
final class ClusteredVectors {

    /** Directions of variation per cluster. */
    private static final int RANK = 24;
    /** Isotropic noise, relative to a cluster's spread. */
    private static final float ISOTROPIC = 0.15f;

    private final int dim;
    private final float[][] centers;
    private final float[][][] directions;
    private final float[][] scales;
    private final float[] spread;
    private final long seed;

    /**
     * @param dim      vector width
     * @param clusters number of mixture components
     * @param seed     fixes the centres and directions (and, with the index, each vector)
     */
    ClusteredVectors(int dim, int clusters, long seed) {
        this.dim = dim;
        this.seed = seed;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] shared = unit(gaussian(rnd, dim));
        centers = new float[clusters][];
        directions = new float[clusters][RANK][];
        scales = new float[clusters][RANK];
        spread = new float[clusters];
        for (int k = 0; k < clusters; k++) {
            float[] c = unit(gaussian(rnd, dim));
            for (int j = 0; j < dim; j++) {
                c[j] += 0.6f * shared[j];
            }
            centers[k] = unit(c);
            // within-cluster cosine to the centre from about 0.9 (tight) down to about 0.6 (diffuse)
            spread[k] = (float) (0.45 + 0.85 * rnd.nextDouble());
            double total = 0;
            for (int r = 0; r < RANK; r++) {
                directions[k][r] = unit(gaussian(rnd, dim));
                scales[k][r] = (float) Math.pow(r + 1, -0.6);
                total += (double) scales[k][r] * scales[k][r];
            }
            float norm = (float) (spread[k] / Math.sqrt(total));
            for (int r = 0; r < RANK; r++) {
                scales[k][r] *= norm;
            }
        }
    }

    int dim() {
        return dim;
    }

    /** Vector number {@code i} of the stream {@code stream} (0 for the indexed data, others for queries). */
    float[] vector(long stream, long i) {
        SplittableRandom rnd = new SplittableRandom(seed ^ (stream * 0x9E3779B97F4A7C15L) ^ (i * 0xC2B2AE3D27D4EB4FL + 1));
        int k = rnd.nextInt(centers.length);
        float[] v = centers[k].clone();
        for (int r = 0; r < RANK; r++) {
            float a = scales[k][r] * (float) rnd.nextGaussian();
            float[] u = directions[k][r];
            for (int j = 0; j < dim; j++) {
                v[j] += a * u[j];
            }
        }
        float s = ISOTROPIC * spread[k] / (float) Math.sqrt(dim);
        for (int j = 0; j < dim; j++) {
            v[j] += s * (float) rnd.nextGaussian();
        }
        return unit(v);
    }

    private static float[] gaussian(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
            v[j] = (float) rnd.nextGaussian();
        }
        return v;
    }

    static float[] unit(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        float inv = (float) (1 / Math.sqrt(n));
        for (int j = 0; j < v.length; j++) {
            v[j] *= inv;
        }
        return v;
    }
}
