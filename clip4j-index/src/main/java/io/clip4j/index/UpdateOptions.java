package io.clip4j.index;

import java.time.Duration;

/**
 * How {@link ImageIndex#update} works.
 *
 * @param batchSize        images per model forward pass
 * @param decoderThreads   threads reading, decoding and resizing images while the model runs
 * @param commitInterval   the longest time between two commits (what a crash can lose at most)
 * @param commitEveryFiles commit at least after this many processed files
 * @param maxFileBytes     larger files are skipped (reported) rather than read into memory
 */
public record UpdateOptions(int batchSize, int decoderThreads, Duration commitInterval, int commitEveryFiles,
                            long maxFileBytes) {

    public UpdateOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (decoderThreads < 1) {
            throw new IllegalArgumentException("decoder threads must be at least 1, got " + decoderThreads);
        }
        if (commitInterval == null || commitInterval.isNegative()) {
            throw new IllegalArgumentException("commit interval must be zero or positive");
        }
        if (commitEveryFiles < 1) {
            throw new IllegalArgumentException("commitEveryFiles must be at least 1, got " + commitEveryFiles);
        }
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes must be positive, got " + maxFileBytes);
        }
    }

    /**
     * Batches of 16, one decoder per core, a commit at least every 30 seconds or 1000 files, files up to
     * 256 MiB.
     */
    public static UpdateOptions defaults() {
        return new UpdateOptions(16, Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(30), 1000,
                256L << 20);
    }

    public UpdateOptions withBatchSize(int n) {
        return new UpdateOptions(n, decoderThreads, commitInterval, commitEveryFiles, maxFileBytes);
    }

    public UpdateOptions withDecoderThreads(int n) {
        return new UpdateOptions(batchSize, n, commitInterval, commitEveryFiles, maxFileBytes);
    }

    public UpdateOptions withCommitEvery(Duration interval, int files) {
        return new UpdateOptions(batchSize, decoderThreads, interval, files, maxFileBytes);
    }
}
