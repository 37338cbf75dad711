package io.clip4j.index;

/**
 * One search result.
 *
 * @param path  the entry's key (for image indexes, the file's absolute path)
 * @param score the exact cosine similarity between the query and the stored vector
 */
public record Hit(String path, double score) {
}
