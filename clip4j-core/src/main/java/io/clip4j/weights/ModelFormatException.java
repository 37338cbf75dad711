package io.clip4j.weights;

/**
 * A checkpoint, config or weights file is malformed or does not fit the model being built.
 * The message always names the file (or key) and the problem.
 */
public class ModelFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
