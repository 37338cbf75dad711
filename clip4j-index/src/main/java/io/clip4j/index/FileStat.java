package io.clip4j.index;

import java.nio.file.Path;

/**
 * An image file found by a folder scan.
 *
 * @param path       absolute, normalised
 * @param size       bytes
 * @param mtimeNanos last-modified time, nanoseconds since the epoch
 */
record FileStat(Path path, long size, long mtimeNanos) {
}
