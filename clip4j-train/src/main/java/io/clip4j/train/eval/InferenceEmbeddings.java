package io.clip4j.train.eval;

import io.clip4j.model.TokenBatch;
import io.clip4j.model.clip.ClipModel;
import io.clip4j.model.siglip.SiglipModel;
import io.clip4j.tensor.Tensor;

/** A saved model through the core's inference classes ({@link ClipModel}, {@link SiglipModel}): what users run. */
public final class InferenceEmbeddings implements EmbeddingModel, AutoCloseable {

    private final ClipModel clip;
    private final SiglipModel siglip;

    public InferenceEmbeddings(ClipModel clip) {
        this.clip = clip;
        this.siglip = null;
    }

    public InferenceEmbeddings(SiglipModel siglip) {
        this.clip = null;
        this.siglip = siglip;
    }

    @Override
    public int imageSize() {
        return clip != null ? clip.visual().imageSize() : siglip.visual().imageSize();
    }

    @Override
    public float[] imageFeatures(float[] pixels, int n) {
        Tensor px = Tensor.of(pixels, n, 3, imageSize(), imageSize());
        return (clip != null ? clip.encodeImage(px) : siglip.encodeImage(px)).data();
    }

    @Override
    public float[] embedImages(float[] pixels, int n) {
        float[] f = imageFeatures(pixels, n);
        return ClipModel.normalize(Tensor.of(f, n, f.length / n)).data();
    }

    @Override
    public float[] embedTexts(TokenBatch tokens) {
        Tensor t = clip != null ? clip.encodeText(tokens) : siglip.encodeText(tokens);
        return ClipModel.normalize(t).data();
    }

    @Override
    public int dim() {
        return clip != null ? clip.visual().outputDim() : siglip.visual().outputDim();
    }

    @Override
    public void close() {
        if (clip != null) {
            clip.close();
        } else {
            siglip.close();
        }
    }
}
