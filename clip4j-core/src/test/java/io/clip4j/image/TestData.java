package io.clip4j.image;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's {@code testdata} folder (system property {@code clip4j.testdata}, else walks up). */
final class TestData {

    private TestData() {
    }

    static Path root() {
        String prop = System.getProperty("clip4j.testdata");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("testdata/fixtures"))) {
                return p.resolve("testdata");
            }
        }
        throw new IllegalStateException("testdata folder not found (set -Dclip4j.testdata)");
    }

    static Path preprocess() {
        return root().resolve("fixtures/preprocess");
    }

    static Path image(String file) {
        return preprocess().resolve("images").resolve(file);
    }
}
