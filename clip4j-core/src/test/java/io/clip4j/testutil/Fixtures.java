package io.clip4j.testutil;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Locates the reference fixtures (copied from shared/fixtures into testdata/) and compares tensors. */
public final class Fixtures {

    private Fixtures() {
    }

    /** {@code testdata/} of the repository: system property {@code clip4j.testdata}, else found upwards. */
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

    /** {@code testdata/fixtures/<name>}. */
    public static Path fixture(String name) {
        return testdata().resolve("fixtures").resolve(name);
    }

    /** FORMAT.md's measure: {@code max|got - expected| / max|expected|}. */
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

    public static void assertClose(String what, float[] got, float[] expected, double tol) {
        double e = relErr(got, expected);
        assertTrue(e <= tol, what + ": relative error " + e + " > " + tol);
    }
}
