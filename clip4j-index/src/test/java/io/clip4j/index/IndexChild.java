package io.clip4j.index;

import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Models;
import io.clip4j.tensor.Kernels;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The indexer as a separate process, for {@link KillRecoveryTest} to {@code kill -9}: indexes
 * {@code args[2]} into {@code args[1]} with the model {@code args[0]}, committing every 10 files and
 * pausing a little after each file so that the parent can kill it mid-run.
 */
public final class IndexChild {

    private IndexChild() {
    }

    public static void main(String[] args) throws Exception {
        try (EmbeddingModel model = Models.loadEmbedding(Path.of(args[0]), null, Kernels.get());
             ImageIndex ix = ImageIndex.openOrCreate(Path.of(args[1]), model)) {
            UpdateOptions opts = UpdateOptions.defaults().withBatchSize(4).withDecoderThreads(1)
                    .withCommitEvery(Duration.ofHours(1), 10);
            ix.update(List.of(Path.of(args[2])), opts, new UpdateListener() {
                @Override
                public void processed(String path) {
                    try {
                        Thread.sleep(25);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
    }
}
