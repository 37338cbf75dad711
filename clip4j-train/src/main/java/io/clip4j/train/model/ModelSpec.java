package io.clip4j.train.model;

import io.clip4j.model.TextConfig;
import io.clip4j.model.clip.ClipConfig;
import io.clip4j.model.siglip.SiglipVisionConfig;

/**
 * The architecture of a trainable model and the checkpoint layout its parameters are named in.
 *
 * @param family       CLIP or SigLIP
 * @param clip         the CLIP config (layout OpenAI or HF), null for SigLIP
 * @param siglipVision SigLIP's vision config, null for CLIP
 * @param siglipText   SigLIP's text config, null for CLIP
 * @param siglipTextProjection width of SigLIP's text {@code head}
 */
public record ModelSpec(ContrastiveModel.Family family, ClipConfig clip, SiglipVisionConfig siglipVision,
                        TextConfig siglipText, int siglipTextProjection) {

    public static ModelSpec clip(ClipConfig cfg) {
        return new ModelSpec(ContrastiveModel.Family.CLIP, cfg, null, null, 0);
    }

    public static ModelSpec siglip(SiglipVisionConfig vision, TextConfig text, int textProjection) {
        return new ModelSpec(ContrastiveModel.Family.SIGLIP, null, vision, text, textProjection);
    }

    /** The text tower's config. */
    public TextConfig text() {
        return clip != null ? clip.text() : siglipText;
    }

    /** Square input resolution of the image tower. */
    public int imageSize() {
        return clip != null ? clip.vision().imageSize() : siglipVision.imageSize();
    }

    /** A one-line description for logs. */
    public String describe() {
        if (clip != null) {
            ClipConfig.Vision v = clip.vision();
            TextConfig t = clip.text();
            return "CLIP (" + clip.layout() + " layout), " + v + ", text width " + t.width() + " x " + t.layers()
                    + " layers, embed " + clip.embedDim();
        }
        return "SigLIP, vision " + siglipVision + ", text width " + siglipText.width() + " x " + siglipText.layers() + " layers";
    }
}
