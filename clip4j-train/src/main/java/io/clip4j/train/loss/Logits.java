package io.clip4j.train.loss;

import io.clip4j.tensor.Parallel;

/**
 * Blocks of the similarity matrix {@code img @ txt^T} in double precision. The logits are the cosines
 * times {@code exp(logit_scale)} (up to 100): in float32 their rounding alone (~1e-5 near 100) would
 * perturb the softmax gradients by as much, which AdamW amplifies on small gradients.
 */
final class Logits {

    private Logits() {
    }

    /** Both embedding matrices as doubles, for repeated use. */
    record Embeddings(double[] img, double[] txt, int n, int e) {
        static Embeddings of(float[] img, float[] txt, int n, int e) {
            return new Embeddings(widen(img), widen(txt), n, e);
        }
    }

    static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** {@code img[r0 : r0 + rows] @ txt^T} as {@code [rows, n]}. */
    static double[] cosines(Embeddings m, int r0, int rows) {
        int n = m.n();
        int e = m.e();
        double[] img = m.img();
        double[] txt = m.txt();
        double[] out = new double[rows * n];
        int tasks = Math.min(rows, Parallel.threads() * 4);
        int per = (rows + tasks - 1) / tasks;
        Parallel.forRange((rows + per - 1) / per, t -> {
            int end = Math.min(rows, (t + 1) * per);
            for (int i = t * per; i < end; i++) {
                int a = (r0 + i) * e;
                for (int j = 0; j < n; j++) {
                    int b = j * e;
                    double s0 = 0;
                    double s1 = 0;
                    double s2 = 0;
                    double s3 = 0;
                    int k = 0;
                    for (; k + 4 <= e; k += 4) {
                        s0 += img[a + k] * txt[b + k];
                        s1 += img[a + k + 1] * txt[b + k + 1];
                        s2 += img[a + k + 2] * txt[b + k + 2];
                        s3 += img[a + k + 3] * txt[b + k + 3];
                    }
                    for (; k < e; k++) {
                        s0 += img[a + k] * txt[b + k];
                    }
                    out[i * n + j] = (s0 + s1) + (s2 + s3);
                }
            }
        });
        return out;
    }
}
