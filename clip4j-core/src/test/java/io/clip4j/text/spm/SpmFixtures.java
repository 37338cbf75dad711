package io.clip4j.text.spm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Locates and reads the SentencePiece fixtures under {@code testdata/fixtures/tokenizer/sentencepiece}. */
final class SpmFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SpmFixtures() {}

    /** The testdata directory: system property {@code clip4j.testdata}, else found walking up from the working dir. */
    static Path testdata() {
        String prop = System.getProperty("clip4j.testdata");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Paths.get(prop);
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("testdata");
            if (Files.isDirectory(candidate.resolve("fixtures"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("testdata directory not found (set -Dclip4j.testdata)");
    }

    static Path dir() {
        Path d = testdata().resolve("fixtures/tokenizer/sentencepiece");
        assertTrue(Files.isDirectory(d), d + " is missing");
        return d;
    }

    static Path file(String name) {
        return dir().resolve(name);
    }

    static List<JsonNode> cases(String name) {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(file(name))) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.textValue()));
        return out;
    }
}
