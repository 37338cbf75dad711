package io.clip4j.cli;

import picocli.CommandLine;

import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/**
 * Turns exceptions into one line on stderr and a non-zero exit code. Set {@code CLIP4J_DEBUG=1} for the
 * stack trace.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        System.out.flush();
        System.err.println("clip4j: error: " + describe(ex));
        if (System.getenv("CLIP4J_DEBUG") != null) {
            ex.printStackTrace(System.err);
        }
        return ex instanceof UsageException ? 2 : 1;
    }

    static String describe(Throwable ex) {
        Throwable t = ex;
        if (t instanceof UncheckedIOException u && u.getCause() != null) {
            t = u.getCause();
        }
        if (t instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file";
        }
        String msg = t.getMessage();
        if (t instanceof OutOfMemoryError) {
            return "out of memory (" + msg + "); use a smaller --batch or give the JVM more heap with JAVA_OPTS=-Xmx...";
        }
        if (msg == null || msg.isBlank()) {
            return t.getClass().getSimpleName();
        }
        boolean expected = t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof java.io.IOException || t.getClass().getPackageName().startsWith("io.clip4j");
        return expected ? msg : t.getClass().getSimpleName() + ": " + msg;
    }

    /** A problem with how the command was called (exit code 2). */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
