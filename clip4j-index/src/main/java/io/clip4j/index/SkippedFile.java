package io.clip4j.index;

/**
 * A file (or folder) an update could not index, and why.
 *
 * @param path   absolute path
 * @param reason a one-line explanation (e.g. the decoder's message)
 */
public record SkippedFile(String path, String reason) {
}
