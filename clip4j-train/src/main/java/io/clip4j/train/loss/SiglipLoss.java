package io.clip4j.train.loss;

import io.clip4j.train.autograd.Matmul;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

/**
 * SigLIP's pairwise sigmoid loss over {@code N} matched pairs:
 * {@code -sum(log_sigmoid(z * L)) / N} with {@code L = exp(logit_scale) * img @ txt^T + logit_bias} and
 * {@code z = +1} on the diagonal, {@code -1} elsewhere.
 *
 * <p>Every pair is independent, so blocks of {@code chunkRows} image rows are computed, used and dropped:
 * memory is {@code O(chunkRows * N)}.
 */
public final class SiglipLoss {

    private final int chunkRows;

    public SiglipLoss(int chunkRows) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be positive, got " + chunkRows);
        }
        this.chunkRows = chunkRows;
    }

    public SiglipLoss() {
        this(1024);
    }

    /**
     * @param images     L2-normalised image embeddings {@code [N, E]}
     * @param texts      L2-normalised text embeddings {@code [N, E]}
     * @param logitScale raw (log) scale, one value
     * @param logitBias  bias, one value
     */
    public Variable forward(Tape tape, Variable images, Variable texts, Variable logitScale, Variable logitBias) {
        int n = images.dim(0);
        int e = images.dim(1);
        if (texts.dim(0) != n || texts.dim(1) != e) {
            throw new IllegalArgumentException("images " + images + " and texts " + texts + " must be matched pairs");
        }
        if (n == 0) {
            throw new IllegalArgumentException("the batch is empty");
        }
        float[] img = images.data();
        float[] txt = texts.data();
        double scale = Math.exp(logitScale.item());
        double bias = logitBias.item();
        Logits.Embeddings emb = Logits.Embeddings.of(img, txt, n, e);
        double total = 0;
        for (int r0 = 0; r0 < n; r0 += chunkRows) {
            int rows = Math.min(chunkRows, n - r0);
            double[] block = Logits.cosines(emb, r0, rows);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < n; j++) {
                    double l = block[i * n + j] * scale + bias;
                    double z = r0 + i == j ? 1 : -1;
                    total -= logSigmoid(z * l);
                }
            }
        }
        float loss = (float) (total / n);
        Variable out = tape.output(new float[] {loss}, new int[0], images, texts, logitScale, logitBias);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                double g = out.grad()[0] / (double) n;
                float[] dImg = images.requiresGrad() ? new float[img.length] : null;
                float[] dTxt = texts.requiresGrad() ? new float[txt.length] : null;
                double dScale = 0;
                double dBias = 0;
                for (int r0 = 0; r0 < n; r0 += chunkRows) {
                    int rows = Math.min(chunkRows, n - r0);
                    double[] block = Logits.cosines(emb, r0, rows);
                    float[] d = new float[rows * n];
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < n; j++) {
                            double sl = block[i * n + j] * scale;
                            double z = r0 + i == j ? 1 : -1;
                            // d/dL of -log_sigmoid(z L) = -z * sigmoid(-z L)
                            double v = -z * sigmoid(-z * (sl + bias)) * g;
                            d[i * n + j] = (float) v;
                            dScale += v * sl;
                            dBias += v;
                        }
                    }
                    if (dImg != null) {
                        float[] part = Matmul.nn(tape.backend(), rows, e, n, d, txt);
                        for (int i = 0; i < part.length; i++) {
                            dImg[r0 * e + i] = (float) (part[i] * scale);
                        }
                    }
                    if (dTxt != null) {
                        float[] part = Matmul.tn(tape.backend(), n, e, rows, d, java.util.Arrays.copyOfRange(img, r0 * e, (r0 + rows) * e));
                        for (int i = 0; i < part.length; i++) {
                            dTxt[i] += (float) (part[i] * scale);
                        }
                    }
                }
                if (dImg != null) {
                    images.addGrad(dImg);
                }
                if (dTxt != null) {
                    texts.addGrad(dTxt);
                }
                if (logitScale.requiresGrad()) {
                    logitScale.addGrad(new float[] {(float) dScale});
                }
                if (logitBias.requiresGrad()) {
                    logitBias.addGrad(new float[] {(float) dBias});
                }
            });
        }
        return out;
    }

    static double logSigmoid(double x) {
        return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
