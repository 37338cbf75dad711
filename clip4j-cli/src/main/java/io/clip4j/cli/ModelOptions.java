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

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M",
            description = "Model directory (config + weights) or a single weights file.")
    Path model;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Weights file to use: a name inside the model directory or any path.")
    String weights;

    Model load() {
        return Models.load(model, weights, Kernels.get());
    }

    EmbeddingModel loadEmbedding() {
        return Models.loadEmbedding(model, weights, Kernels.get());
    }

    ClipModel loadClip() {
        return ClipModel.load(model, weights, Kernels.get());
    }
}
