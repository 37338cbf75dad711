package io.clip4j.model.siglip;

import io.clip4j.tensor.Activation;

/** HF {@code SiglipVisionConfig}, with HF's defaults for absent keys. */
public record SiglipVisionConfig(int imageSize, int patchSize, int width, int layers, int heads, int mlpWidth,
                                 Activation activation, float layerNormEps, boolean useHead) {
}
