package io.clip4j.train.eval;

import io.clip4j.model.TokenBatch;
import io.clip4j.text.Tokenizer;
import io.clip4j.train.data.Captions;

import java.util.Arrays;
import java.util.List;

/**
 * Zero-shot classification with prompt ensembling, as CLIP's ImageNet notebook does it: every template is
 * filled with each class name and embedded, the class weight is the normalised mean of those normalised
 * embeddings, and an image gets the class of the largest cosine.
 */
public final class ZeroShot {

    private ZeroShot() {
    }

    /**
     * @param padMask whether token batches carry an attention mask (models that use one: HF CLIP)
     * @return class weights {@code [classes, dim]}, rows L2-normalised
     */
    public static float[] classWeights(EmbeddingModel model, Tokenizer tokenizer, List<String> classNames,
                                       List<String> templates, boolean padMask) {
        int dim = model.dim();
        float[] w = new float[classNames.size() * dim];
        for (int c = 0; c < classNames.size(); c++) {
            List<String> prompts = Captions.fillAll(templates, classNames.get(c));
            float[] e = model.embedTexts(tokenize(tokenizer, prompts, padMask));
            double[] mean = new double[dim];
            for (int p = 0; p < prompts.size(); p++) {
                for (int d = 0; d < dim; d++) {
                    mean[d] += e[p * dim + d];
                }
            }
            double norm = 0;
            for (double v : mean) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int d = 0; d < dim; d++) {
                w[c * dim + d] = (float) (mean[d] / norm);
            }
        }
        return w;
    }

    /** Token ids (and, with {@code padMask}, the mask up to the end-of-text token) of {@code texts}. */
    public static TokenBatch tokenize(Tokenizer tokenizer, List<String> texts, boolean padMask) {
        int ctx = tokenizer.contextLength();
        long[] ids = new long[texts.size() * ctx];
        long[] mask = padMask ? new long[ids.length] : null;
        for (int i = 0; i < texts.size(); i++) {
            long[] row = tokenizer.encodeForModel(texts.get(i));
            System.arraycopy(row, 0, ids, i * ctx, ctx);
            if (mask != null) {
                int last = ctx - 1;
                while (last > 0 && row[last] == 0) {
                    last--;
                }
                Arrays.fill(mask, i * ctx, i * ctx + last + 1, 1);
            }
        }
        return new TokenBatch(ids, mask, texts.size(), ctx);
    }

    /** The predicted class of each of {@code n} normalised image embeddings. */
    public static int[] predict(float[] imageEmbeds, int n, float[] classWeights, int classes) {
        int dim = imageEmbeds.length / n;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double s = 0;
                for (int d = 0; d < dim; d++) {
                    s += (double) imageEmbeds[i * dim + d] * classWeights[c * dim + d];
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
