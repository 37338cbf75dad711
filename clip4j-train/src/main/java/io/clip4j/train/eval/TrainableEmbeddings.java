package io.clip4j.train.eval;

import io.clip4j.model.TokenBatch;
import io.clip4j.train.autograd.Norms;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.model.ContrastiveModel;

/** A model being trained, evaluated without recording gradients. */
public final class TrainableEmbeddings implements EmbeddingModel {

    private final ContrastiveModel model;

    public TrainableEmbeddings(ContrastiveModel model) {
        this.model = model;
    }

    @Override
    public int imageSize() {
        return model.visual().imageSize();
    }

    @Override
    public float[] embedImages(float[] pixels, int n) {
        return model.encodeImages(Tape.noGrad(), pixels, n).data();
    }

    @Override
    public float[] imageFeatures(float[] pixels, int n) {
        return model.visual().forward(Tape.noGrad(), pixels, n).data();
    }

    @Override
    public float[] embedTexts(TokenBatch tokens) {
        return Norms.l2Normalize(Tape.noGrad(), model.text().forward(Tape.noGrad(), tokens)).data();
    }

    @Override
    public int dim() {
        return model.visual().outputDim();
    }
}
