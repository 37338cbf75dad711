package io.clip4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.model.clip.ClipModel;
import io.clip4j.model.siglip.SiglipModel;
import io.clip4j.model.vit.VitClassifier;
import io.clip4j.tensor.Kernels;
import io.clip4j.weights.ModelFormatException;
import io.clip4j.weights.TensorInfo;
import io.clip4j.weights.WeightFile;
import io.clip4j.weights.WeightFiles;

import java.nio.file.Path;

/**
 * Loads any supported checkpoint, choosing the family from its config and tensor names: CLIP (OpenAI,
 * open_clip and HF layouts), SigLIP (full or vision-only) and ViT classifiers (HF and timm).
 */
public final class Models {

    private Models() {
    }

    public static Model load(Path model) {
        return load(model, null, Kernels.get());
    }

    public static Model load(Path model, String weightsFile, Kernels kernels) {
        ModelFiles files = ModelFiles.resolve(model, weightsFile);
        return switch (detect(files)) {
            case "clip" -> ClipModel.load(model, weightsFile, kernels);
            case "siglip" -> SiglipModel.load(model, weightsFile, kernels);
            default -> VitClassifier.load(model, weightsFile, kernels);
        };
    }

    /** Loads a model that embeds images and texts (CLIP or SigLIP); a clear error for classifiers. */
    public static EmbeddingModel loadEmbedding(Path model, String weightsFile, Kernels kernels) {
        Model m = load(model, weightsFile, kernels);
        if (m instanceof EmbeddingModel e) {
            return e;
        }
        m.close();
        throw new ModelFormatException(model + ": a " + m.family() + " image classifier, not an image-text model "
                + "(use 'clip4j classify' for it)");
    }

    /** {@code clip}, {@code siglip} or {@code vit} for the files of a model. */
    public static String detect(ModelFiles files) {
        Path cfg = files.sibling("config.json");
        if (cfg != null) {
            JsonNode c = ConfigFiles.readObject(cfg);
            String type = c.path("model_type").asText("");
            switch (type) {
                case "clip", "clip_vision_model", "clip_text_model":
                    return "clip";
                case "siglip", "siglip_vision_model":
                    return "siglip";
                case "vit", "deit":
                    return "vit";
                default:
                    break;
            }
            if (!type.isEmpty()) {
                throw new ModelFormatException(cfg + ": model_type '" + type + "' is not supported "
                        + "(clip, siglip, siglip_vision_model, vit)");
            }
            if (c.has("architecture") && (c.has("model_args") || c.has("pretrained_cfg"))) {
                return "vit";
            }
        }
        // No telling config: look at the tensor names.
        try (WeightFile w = WeightFiles.open(files.weights())) {
            boolean siglip = false;
            for (TensorInfo t : w.tensors()) {
                String n = t.name();
                if (n.endsWith("visual.conv1.weight") || n.endsWith("token_embedding.weight")
                        || n.endsWith("visual.attnpool.c_proj.weight")) {
                    return "clip";
                }
                if (n.contains("vision_model.head.probe") || n.equals("logit_bias")) {
                    siglip = true;
                }
            }
            if (siglip) {
                throw new ModelFormatException(files.dir() + ": looks like SigLIP but has no config.json");
            }
        }
        throw new ModelFormatException(files.weights() + ": cannot tell which model this is (no config.json with a "
                + "model_type, and no CLIP tensors such as visual.conv1.weight)");
    }
}
