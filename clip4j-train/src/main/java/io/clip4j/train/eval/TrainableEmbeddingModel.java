package io.clip4j.train.eval;

import io.clip4j.image.PreprocessConfig;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Embeddings;
import io.clip4j.model.ModelFiles;
import io.clip4j.model.TokenBatch;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.Tensor;
import io.clip4j.text.Tokenizer;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.model.ContrastiveModel;

/**
 * A model in training seen as the core's {@link EmbeddingModel} (forward passes without recording
 * gradients), so that the core's tasks (zero-shot classification, linear probes) evaluate it exactly as
 * they evaluate a saved checkpoint.
 */
public final class TrainableEmbeddingModel implements EmbeddingModel {

    private final ContrastiveModel model;
    private final Tokenizer tokenizer;
    private final PreprocessConfig preprocess;

    public TrainableEmbeddingModel(ContrastiveModel model, Tokenizer tokenizer, PreprocessConfig preprocess) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.preprocess = preprocess;
    }

    @Override
    public String family() {
        return model.family() == ContrastiveModel.Family.SIGLIP ? "siglip" : "clip";
    }

    /** A model in training has no files yet. */
    @Override
    public ModelFiles files() {
        return null;
    }

    @Override
    public String describe() {
        return model.spec().describe() + " (in training)";
    }

    @Override
    public Scoring scoring() {
        return model.family() == ContrastiveModel.Family.SIGLIP ? Scoring.SIGMOID : Scoring.SOFTMAX;
    }

    @Override
    public int embedDim() {
        return model.visual().outputDim();
    }

    @Override
    public int imageSize() {
        return model.visual().imageSize();
    }

    @Override
    public boolean hasText() {
        return true;
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public PreprocessConfig preprocessConfig() {
        return preprocess;
    }

    @Override
    public Tensor encodeImage(Tensor pixelValues) {
        int n = pixelValues.dim(0);
        return Tensor.of(model.visual().forward(Tape.noGrad(), pixelValues.data(), n).data(), n, embedDim());
    }

    @Override
    public Tensor encodeText(TokenBatch tokens) {
        return Tensor.of(model.text().forward(Tape.noGrad(), tokens).data(), tokens.batch(), embedDim());
    }

    @Override
    public float logitScale() {
        return model.logitScale().item();
    }

    @Override
    public float logitBias() {
        return model.logitBias() == null ? 0f : model.logitBias().item();
    }

    @Override
    public Tensor logitsPerImage(Tensor imageEmbeds, Tensor textEmbeds) {
        return Embeddings.scaledDot(ops(), imageEmbeds, textEmbeds, logitScale(), logitBias());
    }

    @Override
    public Ops ops() {
        return Ops.get();
    }

    @Override
    public void close() {
    }
}
