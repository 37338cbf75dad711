package io.clip4j.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the CLI in-process and captures what it prints. */
final class CliRunner {

    record Result(int exitCode, String out, String err) {
    }

    private CliRunner() {
    }

    static synchronized Result runWithInput(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    static Result run(String... args) {
        return runWithInput(null, args);
    }

    /** {@code testdata/} of the repository. */
    static Path testdata() {
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
        throw new IllegalStateException("cannot find testdata/");
    }

    static Path fixture(String name) {
        return testdata().resolve("fixtures").resolve(name);
    }

    static double relErr(float[] got, float[] want) {
        double md = 0;
        double mr = 0;
        for (int i = 0; i < want.length; i++) {
            md = Math.max(md, Math.abs(got[i] - want[i]));
            mr = Math.max(mr, Math.abs(want[i]));
        }
        return md / mr;
    }
}
