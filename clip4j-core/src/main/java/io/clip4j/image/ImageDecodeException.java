package io.clip4j.image;

/**
 * An image could not be read or decoded: unreadable file, unknown format, truncated or corrupt data,
 * unsupported variant, or more pixels than the configured limit. The message always names the file
 * (or the name given for a byte array or stream) and the problem.
 */
public class ImageDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
