package io.clip4j.data;

/**
 * A data set could not be read: a missing or unreadable file, a malformed file, or contents that do not
 * fit together (e.g. as many labels as images). The message names the file or folder and the problem.
 */
public class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
