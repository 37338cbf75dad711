package io.clip4j.cli;

import io.clip4j.model.clip.ClipModel;
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

    ClipModel loadClip() {
        return ClipModel.load(model, weights, io.clip4j.tensor.Kernels.get());
    }
}
