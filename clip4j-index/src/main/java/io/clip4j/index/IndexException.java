package io.clip4j.index;

/** A problem with an index directory: missing, not an index, locked, or built with another model. */
public class IndexException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IndexException(String message) {
        super(message);
    }

    public IndexException(String message, Throwable cause) {
        super(message, cause);
    }
}
