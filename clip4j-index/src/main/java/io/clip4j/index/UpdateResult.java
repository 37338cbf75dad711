package io.clip4j.index;

import java.util.List;

/**
 * What an {@link ImageIndex#update} did.
 *
 * @param found            image files found under the roots
 * @param added            files embedded for the first time
 * @param updated          files whose content changed, embedded again
 * @param removed          entries whose files are gone
 * @param unchanged        files already indexed (same size and time, or same content hash)
 * @param skipped          files (and folders) that could not be indexed, listed in {@code skippedFiles}
 * @param skippedFiles     what was skipped and why
 * @param seconds          wall time of the whole update
 * @param embedSeconds     wall time of the decode-and-embed pipeline
 * @param modelSeconds     time spent in the model
 * @param modelWaitSeconds time the model waited for decoded images (small when the model is the bottleneck)
 */
public record UpdateResult(int found, int added, int updated, int removed, int unchanged, int skipped,
                           List<SkippedFile> skippedFiles, double seconds, double embedSeconds,
                           double modelSeconds, double modelWaitSeconds) {

    /** Files that went through the model. */
    public int embedded() {
        return added + updated;
    }

    /** Embedded files per second of pipeline time (0 when nothing was embedded). */
    public double filesPerSecond() {
        return embedSeconds > 0 ? embedded() / embedSeconds : 0;
    }
}
