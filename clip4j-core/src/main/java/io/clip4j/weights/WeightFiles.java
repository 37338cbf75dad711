package io.clip4j.weights;

import java.nio.file.Path;

/** Placeholder: opens safetensors only (replaced by the full format detection). */
public final class WeightFiles {
    private WeightFiles() {
    }

    public static WeightFile open(Path path) {
        return SafeTensorsFile.open(path);
    }
}
