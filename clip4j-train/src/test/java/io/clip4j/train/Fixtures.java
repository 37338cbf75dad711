package io.clip4j.train;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Locates the reference fixtures ({@code testdata/fixtures}) and compares tensors with FORMAT.md's measure. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path testdata() {
        String prop = System.getProperty("clip4j.testdata");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("testdata/fixtures"))) {
                return p.resolve("testdata");
            }
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find testdata/ (set -Dclip4j.testdata)");
    }

    public static Path fixture(String name) {
        return testdata().resolve("fixtures").resolve(name);
    }

    /** {@code max|got - expected| / max|expected|} (the absolute difference when expected is all zeros). */
    public static double relErr(float[] got, float[] expected) {
        assertEquals(expected.length, got.length, "element count");
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < got.length; i++) {
            if (Float.isNaN(got[i])) {
                return Double.POSITIVE_INFINITY;
            }
            maxDiff = Math.max(maxDiff, Math.abs((double) got[i] - expected[i]));
            maxRef = Math.max(maxRef, Math.abs((double) expected[i]));
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }
}
