package io.clip4j.cli;

import io.clip4j.image.ImageLoader;
import io.clip4j.image.PixelValues;
import io.clip4j.image.PreprocessConfig;
import io.clip4j.image.Preprocessor;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Model;
import io.clip4j.model.vit.VitClassifier;
import io.clip4j.weights.SafeTensorsWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Writes the exact model input for one image. */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
        description = "Preprocess an image exactly as the reference does and write pixel_values (F32 [3, H, W]).")
final class PreprocessCommand implements Callable<Integer> {

    enum Preset { clip, siglip }

    @Option(names = "--preset", description = "clip (resize shortest side + centre crop, OpenAI mean/std) or "
            + "siglip (squash resize, mean = std = 0.5).")
    Preset preset;

    @Option(names = "--size", defaultValue = "224", description = "Output size for --preset (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = {"-m", "--model"}, paramLabel = "M", description = "Use this model's preprocessing.")
    Path model;

    @Option(names = "--weights", paramLabel = "FILE", description = "Weights file inside the model directory.")
    String weights;

    @Option(names = {"-i", "--image"}, required = true, paramLabel = "FILE", description = "The image.")
    Path image;

    @Option(names = "--out", required = true, paramLabel = "OUT.safetensors", description = "Output file.")
    Path out;

    @Override
    public Integer call() {
        if ((preset == null) == (model == null)) {
            throw new Errors.UsageException("give either --preset or --model");
        }
        if (size < 1 || size > 8192) {
            throw new Errors.UsageException("--size must be between 1 and 8192");
        }
        PreprocessConfig cfg;
        if (preset != null) {
            cfg = preset == Preset.clip ? PreprocessConfig.clip(size) : PreprocessConfig.siglip(size);
        } else {
            try (Model m = io.clip4j.model.Models.load(model, weights, io.clip4j.tensor.Kernels.get())) {
                cfg = m instanceof EmbeddingModel e ? e.preprocessConfig() : ((VitClassifier) m).preprocessConfig();
            }
        }
        PixelValues px = new Preprocessor(cfg).apply(new ImageLoader().load(image));
        new SafeTensorsWriter().metadata("image", image.toString()).metadata("preprocess", cfg.toString())
                .putF32("pixel_values", px.chw(), 3, px.height(), px.width()).write(out);
        return 0;
    }
}
