package io.clip4j.model;

import io.clip4j.tensor.Activation;

/**
 * Hyper-parameters of a transformer text tower (CLIP's causal one, SigLIP's bidirectional one).
 *
 * @param contextLength  rows of the positional embedding
 * @param pooling        which position becomes the text feature
 * @param usePaddingMask whether an attention mask (when given) hides padding keys (HF CLIP does, OpenAI does not)
 * @param causal         whether position i only attends to positions up to i (CLIP) or to all (SigLIP)
 */
public record TextConfig(int vocabSize, int contextLength, int width, int layers, int heads, int mlpWidth,
                         Activation activation, float layerNormEps, Pooling pooling, int eosTokenId, int bosTokenId,
                         boolean usePaddingMask, boolean causal) {

    /** Where the text tower pools its sequence. */
    public enum Pooling {
        /** {@code argmax(input_ids)}: the EOT token has the largest id (OpenAI; legacy HF configs). */
        ARGMAX,
        /** The first position holding {@code eosTokenId} (HF CLIP with a real eos_token_id). */
        FIRST_EOS,
        /** The last position, whatever token it holds (SigLIP, whose texts are padded to a fixed length). */
        LAST
    }
}
