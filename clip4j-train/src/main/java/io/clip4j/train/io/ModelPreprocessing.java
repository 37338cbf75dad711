package io.clip4j.train.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.image.PreprocessConfig;
import io.clip4j.model.clip.ClipConfig;
import io.clip4j.train.model.ContrastiveModel;
import io.clip4j.train.model.ModelSpec;


/**
 * Preprocessing for models trained from scratch (a checkpoint's own comes from the core's loader):
 * the family's reference pipeline, or Fashion-MNIST's statistics for 28x28 grey images, and the
 * {@code preprocessor_config.json} that records it.
 */
public final class ModelPreprocessing {

    /** Per-channel mean and standard deviation of the Fashion-MNIST training images (grey levels / 255). */
    public static final float FASHION_MEAN = 0.2860f;
    public static final float FASHION_STD = 0.3530f;

    private ModelPreprocessing() {
    }

    /** The reference pipeline of the model's family at its resolution. */
    public static PreprocessConfig familyDefault(ModelSpec spec) {
        int size = spec.imageSize();
        if (spec.family() == ContrastiveModel.Family.SIGLIP) {
            return PreprocessConfig.siglip(size);
        }
        return spec.clip().layout() == ClipConfig.Layout.HF ? PreprocessConfig.hfClip(size) : PreprocessConfig.clip(size);
    }

    /**
     * HF CLIP preprocessing at {@code size} with Fashion-MNIST's statistics: a grey image becomes three equal
     * channels normalised by the dataset's mean and standard deviation.
     */
    public static PreprocessConfig fashion(int size) {
        float[] m = {FASHION_MEAN, FASHION_MEAN, FASHION_MEAN};
        float[] s = {FASHION_STD, FASHION_STD, FASHION_STD};
        return PreprocessConfig.hfClip(size).withMeanStd(m, s);
    }

    /** A {@code preprocessor_config.json} for HF's CLIPImageProcessor that reproduces {@code cfg}. */
    public static String toHuggingFaceJson(PreprocessConfig cfg) {
        if (cfg.resizeMode() != PreprocessConfig.ResizeMode.SHORTEST_EDGE || !cfg.crops()) {
            throw new IllegalArgumentException("only shortest-edge resize with a centre crop is written: " + cfg);
        }
        var json = new ObjectMapper().createObjectNode();
        var crop = json.putObject("crop_size");
        crop.put("height", cfg.cropHeight());
        crop.put("width", cfg.cropWidth());
        json.put("do_center_crop", true);
        json.put("do_convert_rgb", true);
        json.put("do_normalize", true);
        json.put("do_rescale", true);
        json.put("do_resize", true);
        json.put("feature_extractor_type", "CLIPFeatureExtractor");
        json.put("image_processor_type", "CLIPImageProcessor");
        var mean = json.putArray("image_mean");
        var std = json.putArray("image_std");
        for (int c = 0; c < 3; c++) {
            mean.add(round(cfg.mean()[c]));
            std.add(round(cfg.std()[c]));
        }
        json.put("resample", cfg.resample().pilCode());
        json.put("rescale_factor", cfg.rescaleFactor());
        json.putObject("size").put("shortest_edge", cfg.shortestEdge());
        return json.toPrettyString() + "\n";
    }

    private static double round(float f) {
        return Double.parseDouble(Float.toString(f));
    }
}
