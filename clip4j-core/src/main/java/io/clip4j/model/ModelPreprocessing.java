package io.clip4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.image.PreprocessConfig;
import io.clip4j.weights.ModelFormatException;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Chooses a model's preprocessing from its checkpoint files: HF {@code preprocessor_config.json}, then
 * open_clip's {@code preprocess_cfg}, then timm's {@code pretrained_cfg}, else the family's documented
 * default; and checks that it produces the resolution the model needs.
 */
public final class ModelPreprocessing {

    private ModelPreprocessing() {
    }

    /**
     * @param imageSize the image tower's input resolution
     * @param fallback  the family default when the checkpoint carries no preprocessing settings
     */
    public static PreprocessConfig resolve(ModelFiles files, int imageSize, Supplier<PreprocessConfig> fallback) {
        PreprocessConfig cfg;
        Path hf = files.sibling("preprocessor_config.json");
        Path openClip = files.sibling("open_clip_config.json");
        Path config = files.sibling("config.json");
        JsonNode cfgJson = config == null ? null : read(config);
        try {
            if (hf != null) {
                cfg = PreprocessConfig.fromHuggingFace(read(hf));
            } else if (openClip != null && read(openClip).has("preprocess_cfg")) {
                cfg = PreprocessConfig.fromOpenClip(read(openClip).get("preprocess_cfg"), imageSize);
            } else if (cfgJson != null && cfgJson.has("preprocess_cfg")) {
                cfg = PreprocessConfig.fromOpenClip(cfgJson.get("preprocess_cfg"), imageSize);
            } else if (cfgJson != null && cfgJson.has("pretrained_cfg")) {
                cfg = PreprocessConfig.fromTimm(cfgJson.get("pretrained_cfg"), imageSize);
            } else {
                cfg = fallback.get();
            }
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(files.dir() + ": preprocessing settings: " + e.getMessage(), e);
        }
        int[] out = cfg.outputSize(imageSize * 3, imageSize * 2);
        if (cfg.crops() || cfg.resizeMode() == PreprocessConfig.ResizeMode.SQUASH) {
            if (out[0] != imageSize || out[1] != imageSize) {
                throw new ModelFormatException(files.dir() + ": preprocessing produces " + out[0] + "x" + out[1]
                        + " images but the model expects " + imageSize + "x" + imageSize);
            }
        } else {
            throw new ModelFormatException(files.dir() + ": preprocessing neither crops nor resizes to a fixed size, "
                    + "so images would not fit the model's " + imageSize + "x" + imageSize + " input");
        }
        return cfg;
    }

    private static JsonNode read(Path p) {
        return ConfigFiles.readObject(p);
    }
}
