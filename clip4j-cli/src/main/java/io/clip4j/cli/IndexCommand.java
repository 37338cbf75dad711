package io.clip4j.cli;

import io.clip4j.index.ImageIndex;
import io.clip4j.index.SkippedFile;
import io.clip4j.index.UpdateListener;
import io.clip4j.index.UpdateOptions;
import io.clip4j.index.UpdateResult;
import io.clip4j.model.EmbeddingModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip4j index}: builds or updates a folder-search index. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Index the images under folders for 'clip4j search' (jpg, jpeg, png, gif, bmp, webp).",
                "Incremental: new and changed files are embedded, deleted ones removed, unchanged ones skipped. "
                        + "Files that cannot be decoded are skipped and reported; the exit code stays 0."})
final class IndexCommand implements Callable<Integer> {

    /** Skipped files listed on stderr in the human summary; --json lists them all. */
    private static final int MAX_LISTED = 20;

    @Mixin
    ModelOptions model;

    @Option(names = {"-x", "--index"}, required = true, paramLabel = "I",
            description = "Index directory (created if new or empty).")
    Path index;

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Folders (or image files) to index.")
    List<Path> dirs = new ArrayList<>();

    @Option(names = "--batch", defaultValue = "16", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--decoders", paramLabel = "N",
            description = "Threads decoding and resizing images while the model runs (default: one per core).")
    Integer decoders;

    @Option(names = "--commit-every", defaultValue = "30", paramLabel = "SECONDS",
            description = "Longest time between commits, i.e. the most work a crash can lose (default ${DEFAULT-VALUE}).")
    int commitSeconds;

    @Option(names = "--json", description = "Write the summary as one JSON document to stdout (with every skipped file).")
    boolean json;

    @Override
    public Integer call() {
        LuceneLog.quiet();
        if (batch < 1) {
            throw new Errors.UsageException("--batch must be at least 1");
        }
        if (decoders != null && decoders < 1) {
            throw new Errors.UsageException("--decoders must be at least 1");
        }
        if (commitSeconds < 0) {
            throw new Errors.UsageException("--commit-every must be 0 or more seconds");
        }
        for (Path d : dirs) {
            if (!java.nio.file.Files.exists(d)) {
                throw new Errors.UsageException(d + ": no such folder");
            }
        }
        UpdateOptions opts = UpdateOptions.defaults().withBatchSize(batch)
                .withCommitEvery(Duration.ofSeconds(commitSeconds), Integer.MAX_VALUE);
        if (decoders != null) {
            opts = opts.withDecoderThreads(decoders);
        }
        try (EmbeddingModel m = model.loadEmbedding();
             ImageIndex ix = ImageIndex.openOrCreate(index, m)) {
            ProgressBar bar = new ProgressBar("indexing", 0, "img");
            UpdateResult r;
            try {
                r = ix.update(dirs, opts, new UpdateListener() {
                    @Override
                    public void scanned(int found, int toProcess) {
                        bar.setTotal(toProcess);
                    }

                    @Override
                    public void processed(String path) {
                        bar.step(1);
                    }
                });
            } finally {
                bar.close();
            }
            int images = ix.size();
            if (json) {
                Json.println(toJson(ix, r, images));
            } else {
                printHuman(ix, r, images);
            }
        }
        return 0;
    }

    private Map<String, Object> toJson(ImageIndex ix, UpdateResult r, int images) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("index", ix.vectors().directory().toString());
        out.put("model", ix.identity().name());
        out.put("family", ix.identity().family());
        out.put("embed_dim", ix.identity().dimension());
        out.put("found", r.found());
        out.put("added", r.added());
        out.put("updated", r.updated());
        out.put("removed", r.removed());
        out.put("unchanged", r.unchanged());
        out.put("skipped", r.skipped());
        out.put("images", images);
        out.put("seconds", round(r.seconds()));
        out.put("embed_seconds", round(r.embedSeconds()));
        out.put("files_per_second", round(r.filesPerSecond()));
        out.put("model_seconds", round(r.modelSeconds()));
        out.put("model_wait_seconds", round(r.modelWaitSeconds()));
        List<Map<String, String>> skipped = new ArrayList<>();
        for (SkippedFile s : r.skippedFiles()) {
            skipped.add(Map.of("path", s.path(), "reason", s.reason()));
        }
        out.put("skipped_files", skipped);
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private void printHuman(ImageIndex ix, UpdateResult r, int images) {
        List<SkippedFile> skipped = r.skippedFiles();
        for (int i = 0; i < Math.min(MAX_LISTED, skipped.size()); i++) {
            System.err.println("clip4j: warning: skipped " + skipped.get(i).path() + ": " + skipped.get(i).reason());
        }
        if (skipped.size() > MAX_LISTED) {
            System.err.println("clip4j: warning: ... and " + (skipped.size() - MAX_LISTED) + " more skipped (--json lists all)");
        }
        System.out.printf(Locale.ROOT, "%s: %d images, model %s%n", ix.vectors().directory(), images, ix.identity().describe());
        System.out.printf(Locale.ROOT, "found %d: added %d, updated %d, removed %d, unchanged %d, skipped %d%n",
                r.found(), r.added(), r.updated(), r.removed(), r.unchanged(), r.skipped());
        if (r.embedded() > 0) {
            System.out.printf(Locale.ROOT, "embedded %d files in %.1f s: %.1f files/s (model busy %.0f%% of the time)%n",
                    r.embedded(), r.embedSeconds(), r.filesPerSecond(),
                    r.embedSeconds() > 0 ? 100 * r.modelSeconds() / r.embedSeconds() : 0);
        } else {
            System.out.printf(Locale.ROOT, "nothing to embed (%.1f s)%n", r.seconds());
        }
    }
}
