package io.clip4j.train.eval;

import io.clip4j.model.TokenBatch;

/** What evaluation needs from a two-tower model: L2-normalised image and text embeddings. */
public interface EmbeddingModel {

    /** Side of the square image input. */
    int imageSize();

    /** Normalised embeddings {@code [n, dim]} of preprocessed images {@code [n, 3, s, s]}. */
    float[] embedImages(float[] pixels, int n);

    /** Unnormalised image features {@code [n, dim]} (the linear probe's input). */
    float[] imageFeatures(float[] pixels, int n);

    /** Normalised embeddings {@code [batch, dim]} of tokenized texts. */
    float[] embedTexts(TokenBatch tokens);

    int dim();
}
