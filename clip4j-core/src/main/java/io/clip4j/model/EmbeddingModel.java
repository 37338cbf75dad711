package io.clip4j.model;

import io.clip4j.image.DecodedImage;
import io.clip4j.image.ImageLoader;
import io.clip4j.image.PixelValues;
import io.clip4j.image.PreprocessConfig;
import io.clip4j.image.Preprocessor;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.Tensor;
import io.clip4j.text.Tokenizer;

import java.nio.file.Path;
import java.util.List;

/**
 * A model that embeds images and texts into one space: CLIP (scored with a softmax over
 * {@code exp(logit_scale) * cos}) and SigLIP (per-pair sigmoids of {@code exp(logit_scale) * cos + logit_bias}).
 *
 * <p>The {@code encode*} methods take model inputs and return unnormalised features; the
 * {@code embed*} methods take files and strings, apply the model's own preprocessing and tokenizer,
 * and return L2-normalised embeddings. Implementations are safe to share between threads.
 */
public interface EmbeddingModel extends Model {

    /** How image-text logits become probabilities. */
    enum Scoring {
        /** CLIP: softmax over the candidate texts of each image. */
        SOFTMAX,
        /** SigLIP: an independent sigmoid per (image, text) pair. */
        SIGMOID
    }

    Scoring scoring();

    /** Width of the joint embedding space. */
    int embedDim();

    /** Square input resolution of the image tower. */
    int imageSize();

    /** Whether the checkpoint has a text tower (vision-only checkpoints do not). */
    boolean hasText();

    /**
     * The model's tokenizer: its own files when the checkpoint ships them, else the documented default
     * for the family.
     *
     * @throws IllegalStateException if the model has no text tower or no usable tokenizer
     */
    Tokenizer tokenizer();

    /** How images are prepared for this model (from the checkpoint's files, else the family default). */
    PreprocessConfig preprocessConfig();

    /** Image features {@code [N, embed]} (unnormalised) of preprocessed pixels {@code [N, 3, S, S]}. */
    Tensor encodeImage(Tensor pixelValues);

    /** Text features {@code [B, embed]} (unnormalised) of token ids. */
    Tensor encodeText(TokenBatch tokens);

    /** The raw learned temperature; logits use {@code exp(logitScale())}. */
    float logitScale();

    /** SigLIP's learned bias; 0 for CLIP. */
    float logitBias();

    /** {@code exp(logit_scale) * image_embeds @ text_embeds^T (+ logit_bias)}: {@code [N_images, N_texts]}. */
    Tensor logitsPerImage(Tensor imageEmbeds, Tensor textEmbeds);

    /** The ops (kernels) the model computes with. */
    Ops ops();

    // ------------------------------------------------------------------ conveniences

    /** Tokenizes texts into the batch the text tower expects (with an attention mask over real tokens). */
    default TokenBatch tokenize(List<String> texts) {
        Tokenizer tok = tokenizer();
        int len = tok.contextLength();
        long[] ids = new long[Math.multiplyExact(texts.size(), len)];
        long[] mask = new long[ids.length];
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("text " + (i + 1) + " of " + texts.size() + " is empty");
            }
            long[] row = tok.encodeForModel(t, true);
            System.arraycopy(row, 0, ids, i * len, len);
            int last = len - 1;
            while (last > 0 && row[last] == 0) {
                last--;
            }
            for (int p = 0; p <= last; p++) {
                mask[i * len + p] = 1;
            }
        }
        return new TokenBatch(ids, mask, texts.size(), len);
    }

    /** L2-normalised text embeddings {@code [B, embed]}. */
    default Tensor embedTexts(List<String> texts) {
        return Embeddings.normalize(encodeText(tokenize(texts)));
    }

    /** The L2-normalised embedding of one text. */
    default float[] embedText(String text) {
        return embedTexts(List.of(text)).data();
    }

    /** The model input for one decoded image. */
    default PixelValues preprocess(DecodedImage image) {
        return new Preprocessor(preprocessConfig()).apply(image);
    }

    /** L2-normalised embeddings {@code [N, embed]} of preprocessed pixels. */
    default Tensor embedPixels(Tensor pixelValues) {
        return Embeddings.normalize(encodeImage(pixelValues));
    }

    /** L2-normalised embeddings of image files, decoded and preprocessed in parallel, encoded in batches. */
    default Tensor embedImages(List<Path> files) {
        return Embeddings.embedFiles(this, files, new ImageLoader(), 16);
    }

    /** The L2-normalised embedding of one image file. */
    default float[] embedImage(Path file) {
        return embedImages(List.of(file)).data();
    }

    /**
     * Probabilities from {@link #logitsPerImage}: per image a softmax over the texts (CLIP), or an
     * independent sigmoid per pair (SigLIP).
     */
    default Tensor probabilities(Tensor logitsPerImage) {
        return Embeddings.probabilities(logitsPerImage, scoring());
    }
}
