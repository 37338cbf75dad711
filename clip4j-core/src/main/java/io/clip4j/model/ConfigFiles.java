package io.clip4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.weights.ModelFormatException;

import java.io.IOException;
import java.nio.file.Path;

/** Reads a checkpoint's JSON config files with errors that name the file. */
public final class ConfigFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigFiles() {
    }

    /**
     * The JSON object in {@code file}.
     *
     * @throws ModelFormatException if it cannot be read, is not JSON, or is not an object
     */
    public static JsonNode readObject(Path file) {
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (n == null || !n.isObject()) {
            throw new ModelFormatException(file + ": expected a JSON object");
        }
        return n;
    }
}
