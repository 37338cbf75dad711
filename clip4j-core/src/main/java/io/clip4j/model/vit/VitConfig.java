package io.clip4j.model.vit;

import io.clip4j.tensor.Activation;

import java.util.List;

/**
 * A ViT image classifier's hyper-parameters, from HF {@code ViTConfig} or timm's config.
 *
 * @param classToken     whether a class token is prepended
 * @param distilled      DeiT: a distillation token and a second head ({@code head_dist}), averaged at inference
 * @param globalPool     {@code token} (class token) or {@code avg} (mean of patch tokens)
 * @param fcNorm         norm applied after pooling instead of before ({@code fc_norm}, timm's avg pooling)
 * @param representation width of timm's {@code pre_logits} representation layer (Linear + tanh), 0 if none
 * @param labels         class names by index ({@code id2label} / {@code label_names}); may be empty
 */
public record VitConfig(Layout layout, int imageSize, int patchSize, int width, int layers, int heads, int mlpWidth,
                        Activation activation, float layerNormEps, boolean qkvBias, boolean classToken,
                        boolean distilled, String globalPool, boolean fcNorm, int representation, int numClasses,
                        List<String> labels) {

    /** Checkpoint key layout. */
    public enum Layout { HF, TIMM }

    public VitConfig {
        labels = List.copyOf(labels);
    }
}
