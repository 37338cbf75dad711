package io.clip4j.index;

/** Hears about an {@link ImageIndex#update} as it runs (on the updating thread); every method is optional. */
public interface UpdateListener {

    /** A listener that ignores everything. */
    UpdateListener NONE = new UpdateListener() {
    };

    /** The scan is done: {@code found} image files, of which {@code toProcess} are new or changed. */
    default void scanned(int found, int toProcess) {
    }

    /** One new or changed file was handled (embedded, found unchanged by its hash, or skipped). */
    default void processed(String path) {
    }

    /** A file or folder could not be indexed. */
    default void skipped(SkippedFile file) {
    }

    /** Everything processed so far is durable. */
    default void committed(int processedSoFar) {
    }
}
