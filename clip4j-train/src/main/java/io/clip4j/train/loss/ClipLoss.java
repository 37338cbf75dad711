package io.clip4j.train.loss;

import io.clip4j.train.autograd.Matmul;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

/**
 * CLIP's symmetric InfoNCE loss over a batch of {@code N} matched pairs:
 * {@code (CE(L, arange) + CE(L^T, arange)) / 2} with {@code L = exp(logit_scale) * img @ txt^T}.
 *
 * <p>The logits are computed {@code chunkRows} image rows at a time, twice (once for the row and
 * column log-sum-exps, once for the gradients), so memory is {@code O(chunkRows * N)}, never {@code N x N}.
 */
public final class ClipLoss {

    private final int chunkRows;

    /** @param chunkRows image rows per block of logits (use a large value for a single block) */
    public ClipLoss(int chunkRows) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be positive, got " + chunkRows);
        }
        this.chunkRows = chunkRows;
    }

    public ClipLoss() {
        this(1024);
    }

    /**
     * @param images     L2-normalised image embeddings {@code [N, E]}
     * @param texts      L2-normalised text embeddings {@code [N, E]}, row {@code i} matching image {@code i}
     * @param logitScale the raw (log) temperature, one value
     * @return the scalar loss
     */
    public Variable forward(Tape tape, Variable images, Variable texts, Variable logitScale) {
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
        Logits.Embeddings emb = Logits.Embeddings.of(img, txt, n, e);
        double[] lseRow = new double[n];
        double[] colMax = new double[n];
        double[] colSum = new double[n];
        java.util.Arrays.fill(colMax, Double.NEGATIVE_INFINITY);
        double diagSum = 0;
        for (int r0 = 0; r0 < n; r0 += chunkRows) {
            int rows = Math.min(chunkRows, n - r0);
            double[] block = Logits.cosines(emb, r0, rows);
            for (int i = 0; i < rows; i++) {
                int off = i * n;
                for (int j = 0; j < n; j++) {
                    block[off + j] *= scale;
                }
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    m = Math.max(m, block[off + j]);
                }
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += Math.exp(block[off + j] - m);
                    double v = block[off + j];
                    if (v > colMax[j]) {
                        colSum[j] = colSum[j] * Math.exp(colMax[j] - v) + 1;
                        colMax[j] = v;
                    } else {
                        colSum[j] += Math.exp(v - colMax[j]);
                    }
                }
                lseRow[r0 + i] = m + Math.log(s);
                diagSum += block[off + r0 + i];
            }
        }
        double[] lseCol = new double[n];
        double total = -2 * diagSum;
        for (int i = 0; i < n; i++) {
            lseCol[i] = colMax[i] + Math.log(colSum[i]);
            total += lseRow[i] + lseCol[i];
        }
        float loss = (float) (total / (2.0 * n));
        Variable out = tape.output(new float[] {loss}, new int[0], images, texts, logitScale);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float g = out.grad()[0];
                float[] dImg = images.requiresGrad() ? new float[img.length] : null;
                float[] dTxt = texts.requiresGrad() ? new float[txt.length] : null;
                double dScale = 0;
                double norm = g / (2.0 * n);
                for (int r0 = 0; r0 < n; r0 += chunkRows) {
                    int rows = Math.min(chunkRows, n - r0);
                    double[] block = Logits.cosines(emb, r0, rows);
                    float[] d = new float[rows * n];
                    for (int i = 0; i < rows; i++) {
                        int off = i * n;
                        for (int j = 0; j < n; j++) {
                            double l = block[off + j] * scale;
                            double v = Math.exp(l - lseRow[r0 + i]) + Math.exp(l - lseCol[j]) - (r0 + i == j ? 2 : 0);
                            v *= norm;
                            d[off + j] = (float) v;
                            dScale += v * l;
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
            });
        }
        return out;
    }
}
