package io.clip4j.weights;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared {@code testdata} directory (surefire passes it as {@code clip4j.testdata}). */
final class WeightsTestData {

    private WeightsTestData() {
    }

    static Path fixtures() {
        String prop = System.getProperty("clip4j.testdata");
        if (prop != null && Files.isDirectory(Path.of(prop, "fixtures"))) {
            return Path.of(prop, "fixtures");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("testdata/fixtures"))) {
                return p.resolve("testdata/fixtures");
            }
        }
        throw new IllegalStateException("testdata/fixtures not found; set -Dclip4j.testdata");
    }

    static Path fixture(String model, String file) {
        return fixtures().resolve(model).resolve(file);
    }
}
