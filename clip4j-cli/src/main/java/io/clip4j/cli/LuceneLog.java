package io.clip4j.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps Lucene's start-up notice ("Java vector incubator API enabled ...") off stderr, which belongs to
 * progress bars and warnings; Lucene's warnings still show.
 */
final class LuceneLog {

    /** Held so that the configured logger is not collected (and its level forgotten). */
    private static final Logger VECTORIZATION = Logger.getLogger("org.apache.lucene.internal.vectorization");

    private LuceneLog() {
    }

    static void quiet() {
        VECTORIZATION.setLevel(Level.WARNING);
    }
}
