package io.clip4j.model.clip;

import io.clip4j.model.TextConfig;
import io.clip4j.tensor.Activation;

import java.util.Arrays;

/**
 * Hyper-parameters of a CLIP model, independent of the checkpoint layout they were read from.
 *
 * @param embedDim  width of the joint embedding space
 * @param vision    the image tower
 * @param text      the text tower
 * @param layout    the checkpoint's key layout
 */
public record ClipConfig(int embedDim, Vision vision, TextConfig text, Layout layout) {

    /** How the checkpoint names its tensors. */
    public enum Layout {
        /** openai/CLIP and open_clip: {@code visual.*}, {@code transformer.*}, {@code token_embedding}. */
        OPENAI,
        /** Hugging Face {@code CLIPModel}: {@code vision_model.*}, {@code text_model.*}. */
        HF
    }

    /** Which image tower. */
    public enum VisionKind { VIT, RESNET }

    /**
     * @param imageSize   input resolution (square)
     * @param width       ViT width, or the ResNet stem width ({@code vision_width})
     * @param layers      ViT depth (unused for ResNet)
     * @param resnetLayers blocks per ResNet stage (4 entries), null for ViT
     * @param patchSize   ViT patch size (0 for ResNet)
     * @param heads       attention heads (ViT blocks, or the ResNet attention pool)
     * @param mlpWidth    ViT MLP hidden width
     */
    public record Vision(VisionKind kind, int imageSize, int width, int layers, int[] resnetLayers, int patchSize,
                         int heads, int mlpWidth, Activation activation, float layerNormEps) {
        public Vision {
            resnetLayers = resnetLayers == null ? null : resnetLayers.clone();
        }

        @Override
        public int[] resnetLayers() {
            return resnetLayers == null ? null : resnetLayers.clone();
        }

        /** Width of the ResNet's final feature map ({@code vision_width * 32}). */
        public int resnetEmbedWidth() {
            return width * 32;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Vision v && kind == v.kind && imageSize == v.imageSize && width == v.width
                    && layers == v.layers && Arrays.equals(resnetLayers, v.resnetLayers) && patchSize == v.patchSize
                    && heads == v.heads && mlpWidth == v.mlpWidth && activation == v.activation
                    && Float.compare(layerNormEps, v.layerNormEps) == 0;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(new Object[]{kind, imageSize, width, layers, Arrays.hashCode(resnetLayers), patchSize,
                    heads, mlpWidth, activation, layerNormEps});
        }

        @Override
        public String toString() {
            return "Vision[" + kind + ", image " + imageSize + ", width " + width
                    + (kind == VisionKind.VIT ? ", layers " + layers + ", patch " + patchSize + ", mlp " + mlpWidth
                    : ", stages " + Arrays.toString(resnetLayers))
                    + ", heads " + heads + ", " + activation + ", eps " + layerNormEps + "]";
        }
    }
}
