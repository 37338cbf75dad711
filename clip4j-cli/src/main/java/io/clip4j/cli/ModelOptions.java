package io.clip4j.cli;

import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Model;
import io.clip4j.model.Models;
import io.clip4j.model.clip.ClipModel;
import io.clip4j.tensor.Kernels;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --model M [--weights FILE]}, shared by the commands that load a model. */
final class ModelOptions {

    @Option(names = {"-m", "--model"}, paramLabel = "M",
            description = "Model directory (config + weights) or a single weights file; 'default' or none: the "
                    + "built-in 28x28 Fashion-MNIST demo model.")
    Path model;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Weights file to use: a name inside the model directory or any path.")
    String weights;

    /** The model path, the default model's when none (or "default") was given (announced once on stderr). */
    Path path() {
        model = DefaultModel.resolve(model);
        return model;
    }

    Model load() {
        return Models.load(path(), weights, Kernels.get());
    }

    EmbeddingModel loadEmbedding() {
        return Models.loadEmbedding(path(), weights, Kernels.get());
    }

    ClipModel loadClip() {
        return ClipModel.load(path(), weights, Kernels.get());
    }
}
