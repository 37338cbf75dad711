package io.clip4j.index;

/**
 * What the index knows about one file.
 *
 * @param path       absolute, normalised path (the entry's key)
 * @param size       size in bytes when it was indexed
 * @param mtimeNanos last-modified time in nanoseconds since the epoch when it was indexed
 * @param sha256     hex SHA-256 of the content
 * @param error      why the file could not be embedded, or null for an entry with a vector
 */
public record IndexedFile(String path, long size, long mtimeNanos, String sha256, String error) {

    /** Whether the file could not be decoded (the entry has no vector and never matches a query). */
    public boolean failed() {
        return error != null;
    }
}
