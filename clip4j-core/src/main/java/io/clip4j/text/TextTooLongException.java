package io.clip4j.text;

/** Thrown when a text has more tokens than the model's context and truncation was not requested. */
public final class TextTooLongException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TextTooLongException(String message) {
        super(message);
    }
}
