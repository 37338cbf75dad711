package io.clip4j.text;

/**
 * Turns text into the token ids a model's text tower consumes.
 *
 * <p>Implementations are immutable and safe to share between threads.
 */
public interface Tokenizer {

    /** The token ids of {@code text} without any special tokens (no start/end of text, no padding). */
    int[] encode(String text);

    /**
     * The model's input for {@code text}: special tokens added, truncated or padded to
     * {@link #contextLength()} exactly as the reference implementation does.
     *
     * @throws TextTooLongException if the text does not fit and truncation is off
     */
    long[] encodeForModel(String text, boolean truncate);

    /** Shorthand for {@code encodeForModel(text, true)}. */
    default long[] encodeForModel(String text) {
        return encodeForModel(text, true);
    }

    /** The fixed sequence length of {@link #encodeForModel}. */
    int contextLength();
}
