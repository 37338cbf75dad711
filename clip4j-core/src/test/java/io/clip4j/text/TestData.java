package io.clip4j.text;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's {@code testdata/} directory. */
final class TestData {

    private TestData() {}

    /** The testdata directory: system property {@code clip4j.testdata}, else the nearest {@code testdata/} upwards. */
    static Path dir() {
        String property = System.getProperty("clip4j.testdata");
        if (property != null && Files.isDirectory(Path.of(property))) {
            return Path.of(property);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("testdata"))) {
                return p.resolve("testdata");
            }
        }
        throw new IllegalStateException("cannot find testdata/ (set -Dclip4j.testdata)");
    }
}
