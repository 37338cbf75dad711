package io.clip4j.cli;

import io.clip4j.data.FashionMnist;
import io.clip4j.data.LabelledImages;
import io.clip4j.image.DecodedImage;
import io.clip4j.image.ImageLoader;
import io.clip4j.image.ImageMode;
import io.clip4j.image.PilConvert;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Models;
import io.clip4j.optim.Lbfgs;
import io.clip4j.task.ImageFeatures;
import io.clip4j.task.LinearProbe;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip4j probe train|predict}: linear probes (logistic regression) on frozen image features. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Linear probes: multinomial logistic regression on frozen image embeddings (or raw pixels).",
                "C is chosen on a validation split as in the CLIP paper, then the probe is refit on all the data."},
        subcommands = {ProbeCommand.Train.class, ProbeCommand.Predict.class, CommandLine.HelpCommand.class})
final class ProbeCommand implements Runnable {

    /** {@code --data} value selecting the installed Fashion-MNIST IDX files. */
    static final String FASHION_MNIST = "fashion-mnist";

    /** Metadata of probes trained on raw pixels rather than embeddings. */
    static final String RAW_FEATURES = "raw-pixels";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** What the probe is fitted on. */
    enum Features { MODEL, RAW }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Fit a linear probe and save it (safetensors).",
                    "--data is a folder with one subfolder per class (ImageFolder), a CSV of path,label rows (paths "
                            + "relative to the CSV), or 'fashion-mnist' (the installed IDX files; also reports test accuracy)."})
    static final class Train implements Callable<Integer> {

        @Option(names = {"-m", "--model"}, paramLabel = "M", description = "Model that embeds the images (CLIP or SigLIP).")
        Path model;

        @Option(names = "--weights", paramLabel = "FILE", description = "Weights file inside the model directory or any path.")
        String weights;

        @Option(names = "--data", required = true, paramLabel = "DIR|CSV|fashion-mnist", description = "Training images.")
        String data;

        @Option(names = "--features", defaultValue = "model", paramLabel = "model|raw",
                description = "model: the model's image embeddings (default); raw: pixels scaled to [0, 1], no model "
                        + "(fashion-mnist only).")
        Features features;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Where to write the probe.")
        Path out;

        @Option(names = "--val-fraction", defaultValue = "0.2", paramLabel = "F",
                description = "Share of each class held out to choose C (default ${DEFAULT-VALUE}).")
        double valFraction;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the validation split (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--C", paramLabel = "C", description = "Fix the regularisation strength instead of searching for it.")
        Double c;

        @Option(names = "--c-range", defaultValue = "-6:6", paramLabel = "MIN:MAX",
                description = "Search C over 10^MIN .. 10^MAX (default ${DEFAULT-VALUE}, as the CLIP paper).")
        String cRange;

        @Option(names = "--steps-per-decade", defaultValue = "8", paramLabel = "N",
                description = "Resolution of the C search (default ${DEFAULT-VALUE}).")
        int stepsPerDecade;

        @Option(names = "--max-iter", defaultValue = "1000", paramLabel = "N",
                description = "L-BFGS iterations per fit at most (default ${DEFAULT-VALUE}).")
        int maxIter;

        @Option(names = "--tol", defaultValue = "1e-4", paramLabel = "T",
                description = "Stop a fit when no gradient component exceeds T (default ${DEFAULT-VALUE}).")
        double tol;

        @Option(names = "--limit", paramLabel = "N", description = "fashion-mnist: use only the first N images of each split.")
        Integer limit;

        @Option(names = "--fashion-mnist-dir", paramLabel = "DIR",
                description = "Folder of the Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist).")
        Path fashionMnistDir;

        @Option(names = "--batch", defaultValue = "16", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--json", description = "Write a JSON summary to stdout.")
        boolean json;

        /** Size of the pictures whose pixels are the features (raw features only). */
        private int rawWidth;
        private int rawHeight;

        @Override
        public Integer call() {
            LinearProbe.Options options = options();
            boolean fmnist = data.equals(FASHION_MNIST);
            if (features == Features.RAW && !fmnist) {
                throw new Errors.UsageException("--features raw works with --data fashion-mnist only (images of one size)");
            }
            if (features == Features.MODEL && model == null) {
                throw new Errors.UsageException("give --model to embed the images (or --features raw with --data fashion-mnist)");
            }
            if (features == Features.RAW && model != null) {
                throw new Errors.UsageException("--features raw uses no model: drop --model");
            }
            if (limit != null && !fmnist) {
                throw new Errors.UsageException("--limit applies to --data fashion-mnist only");
            }
            if (batch < 1) {
                throw new Errors.UsageException("--batch must be at least 1");
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            TrainingSet set;
            EmbeddingModel m = model == null ? null : Models.loadEmbedding(model, weights, Kernels.get());
            try {
                long e0 = System.nanoTime();
                set = fmnist ? fashionMnist(m) : imageFolder(m);
                summary.put("embed_seconds", m == null ? 0.0 : (System.nanoTime() - e0) / 1e9);
                if (m != null) {
                    meta.put("features", "embedding");
                    meta.put("model", model.toAbsolutePath().toString());
                    meta.put("model_family", m.family());
                    meta.put("model_fingerprint", m.files().fingerprint());
                } else {
                    meta.put("features", RAW_FEATURES);
                    meta.put("image_width", Integer.toString(rawWidth));
                    meta.put("image_height", Integer.toString(rawHeight));
                }
            } finally {
                if (m != null) {
                    m.close();
                }
            }
            meta.put("data", data);

            LinearProbe probe;
            try (FitProgress progress = new FitProgress(options.searchesC())) {
                probe = LinearProbe.fit(set.features, set.labels, set.classNames, options.withListener(progress));
            }
            probe.save(out, meta);
            Double testAccuracy = set.testFeatures == null ? null : probe.accuracy(set.testFeatures, set.testLabels);
            report(probe, set, testAccuracy, summary);
            return 0;
        }

        private LinearProbe.Options options() {
            if (valFraction <= 0 || valFraction >= 1) {
                throw new Errors.UsageException("--val-fraction must be between 0 and 1 (exclusive)");
            }
            if (maxIter < 1) {
                throw new Errors.UsageException("--max-iter must be at least 1");
            }
            if (!(tol >= 0)) {
                throw new Errors.UsageException("--tol must be >= 0");
            }
            String[] range = cRange.split(":");
            double lo;
            double hi;
            try {
                if (range.length != 2) {
                    throw new NumberFormatException();
                }
                lo = Double.parseDouble(range[0].strip());
                hi = Double.parseDouble(range[1].strip());
            } catch (NumberFormatException e) {
                throw new Errors.UsageException("--c-range must be MIN:MAX (log10 of C), e.g. -6:6; got '" + cRange + "'");
            }
            if (!(lo < hi)) {
                throw new Errors.UsageException("--c-range needs MIN < MAX, got '" + cRange + "'");
            }
            if (stepsPerDecade < 1) {
                throw new Errors.UsageException("--steps-per-decade must be at least 1");
            }
            if (c != null && !(c > 0 && Double.isFinite(c))) {
                throw new Errors.UsageException("--C must be a positive number");
            }
            Lbfgs.Settings lbfgs = LinearProbe.Options.defaultOptimizer().withMaxIterations(maxIter).withGradientTolerance(tol);
            LinearProbe.Options o = LinearProbe.Options.defaults().withSearch(lo, hi, stepsPerDecade)
                    .withValidationFraction(valFraction).withSeed(seed).withOptimizer(lbfgs);
            return c == null ? o : o.withC(c);
        }

        /** Features, labels and (for Fashion-MNIST) the test split's features. */
        private record TrainingSet(Tensor features, int[] labels, List<String> classNames, String description,
                                   int skipped, Tensor testFeatures, int[] testLabels) {
        }

        private TrainingSet fashionMnist(EmbeddingModel m) {
            Path dir = fashionMnistDir != null ? fashionMnistDir : FashionMnist.defaultDir();
            FashionMnist train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
            FashionMnist test = FashionMnist.load(dir, FashionMnist.Split.TEST);
            if (limit != null) {
                if (limit < 1) {
                    throw new Errors.UsageException("--limit must be at least 1");
                }
                train = train.head(limit);
                test = test.head(limit);
            }
            Tensor x;
            Tensor xTest;
            if (m == null) {
                rawWidth = train.cols();
                rawHeight = train.rows();
                x = train.floats();
                xTest = test.floats();
            } else {
                x = embed(m, train, "embedding train");
                xTest = embed(m, test, "embedding test");
            }
            String what = "fashion-mnist train (" + (m == null ? "raw pixels" : "embeddings of " + model) + ")";
            return new TrainingSet(x, train.labels(), FashionMnist.LABELS, what, 0, xTest, test.labels());
        }

        private Tensor embed(EmbeddingModel m, FashionMnist split, String label) {
            try (ProgressBar bar = new ProgressBar(label, split.size(), "img")) {
                return ImageFeatures.embedImages(m, split.size(), split::image, batch, bar::step);
            }
        }

        private TrainingSet imageFolder(EmbeddingModel m) {
            LabelledImages images = LabelledImages.load(Path.of(data));
            ImageFeatures.Result r;
            try (ProgressBar bar = new ProgressBar("embedding", images.size(), "img")) {
                r = ImageFeatures.embedFiles(m, images.files(), batch, new ImageFeatures.Progress() {
                    @Override
                    public void advanced(int count) {
                        bar.step(count);
                    }

                    @Override
                    public void skipped(ImageFeatures.Skipped s) {
                        System.err.println("clip4j: warning: skipping " + s.reason());
                    }
                });
            }
            int[] all = images.labels();
            int[] labels = new int[r.kept().length];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = all[r.kept()[i]];
            }
            if (!r.skipped().isEmpty()) {
                System.err.println("clip4j: warning: skipped " + r.skipped().size() + " unreadable image"
                        + (r.skipped().size() == 1 ? "" : "s") + " of " + images.size());
            }
            if (labels.length == 0) {
                throw new IllegalArgumentException(data + ": none of the " + images.size() + " images could be read");
            }
            return new TrainingSet(r.embeddings(), labels, images.classNames(), data + " (embeddings of " + model + ")",
                    r.skipped().size(), null, null);
        }

        private void report(LinearProbe probe, TrainingSet set, Double testAccuracy, Map<String, Object> summary) {
            LinearProbe.FitReport r = probe.report();
            if (json) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("out", out.toString());
                j.put("data", set.description);
                j.put("samples", r.samples());
                j.put("skipped", set.skipped);
                j.put("classes", probe.classNames());
                j.put("feature_dim", probe.featureDim());
                j.put("C", r.c());
                j.put("searched", r.searched());
                List<Map<String, Object>> search = new ArrayList<>();
                for (LinearProbe.SearchPoint p : r.search()) {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("C", p.c());
                    s.put("validation_accuracy", p.validationAccuracy());
                    s.put("validation_loss", p.validationLoss());
                    s.put("iterations", p.iterations());
                    s.put("status", p.status().name());
                    s.put("seconds", p.seconds());
                    search.add(s);
                }
                j.put("search", search);
                j.put("train_samples", r.trainSamples());
                j.put("validation_samples", r.validationSamples());
                j.put("validation_accuracy", r.searched() ? r.bestValidationAccuracy() : null);
                j.put("train_accuracy", r.trainAccuracy());
                j.put("test_accuracy", testAccuracy);
                j.put("iterations", r.iterations());
                j.put("evaluations", r.evaluations());
                j.put("total_iterations", r.totalIterations());
                j.put("status", r.status().name());
                j.put("loss", r.loss());
                j.putAll(summary);
                j.put("search_seconds", r.searchSeconds());
                j.put("fit_seconds", r.fitSeconds());
                j.put("total_seconds", r.totalSeconds());
                Json.println(j);
                return;
            }
            System.out.printf(Locale.ROOT, "data: %s: %d samples, %d classes, %d features%s%n", set.description, r.samples(),
                    probe.classNames().size(), probe.featureDim(),
                    set.skipped > 0 ? " (" + set.skipped + " unreadable images skipped)" : "");
            if (r.searched()) {
                System.out.printf(Locale.ROOT, "C search: %d fits on %d samples, scored on %d held-out samples (%s)%n",
                        r.search().size(), r.trainSamples(), r.validationSamples(), seconds(r.searchSeconds()));
                for (LinearProbe.SearchPoint p : r.search().stream()
                        .sorted((a, b) -> Double.compare(a.c(), b.c())).toList()) {
                    System.out.printf(Locale.ROOT, "  C=%-9.3g validation accuracy %.4f  loss %.4f  %4d iterations  %s%s%n",
                            p.c(), p.validationAccuracy(), p.validationLoss(), p.iterations(), seconds(p.seconds()),
                            p.c() == r.c() ? "  <- chosen" : "");
                }
                System.out.printf(Locale.ROOT, "chosen C=%.4g (validation accuracy %.4f)%n", r.c(), r.bestValidationAccuracy());
            } else {
                System.out.printf(Locale.ROOT, "C=%.4g (fixed)%n", r.c());
            }
            System.out.printf(Locale.ROOT, "final fit on %d samples: %d iterations (%s), loss %.6f, %s%n", r.samples(),
                    r.iterations(), r.status().name().toLowerCase(Locale.ROOT).replace('_', ' '), r.loss(),
                    seconds(r.fitSeconds()));
            System.out.printf(Locale.ROOT, "train accuracy %.4f%n", r.trainAccuracy());
            if (testAccuracy != null) {
                System.out.printf(Locale.ROOT, "test accuracy %.4f (fashion-mnist t10k, %d images)%n", testAccuracy,
                        set.testLabels.length);
            }
            System.out.printf(Locale.ROOT, "total %s; saved %s%n", seconds(r.totalSeconds()), out);
        }

        private static String seconds(double s) {
            return String.format(Locale.ROOT, "%.1fs", s);
        }
    }

    /** Shows the fits of the search and the final fit on one progress line. */
    private static final class FitProgress implements LinearProbe.FitListener, AutoCloseable {
        private final boolean search;
        private ProgressBar bar;
        private String current = "";

        FitProgress(boolean search) {
            this.search = search;
            if (!search) {
                bar = new ProgressBar("fitting", 1, "fits");
            }
        }

        @Override
        public void searchStarted(int maxFits) {
            bar = new ProgressBar("fitting", maxFits + 1L, "fits");
        }

        @Override
        public void fitStarted(String phase, double c) {
            current = String.format(Locale.ROOT, "%s C=%.3g", phase, c);
            if (phase.equals("final") && search) {
                bar.setTotal(bar.done() + 1);
            }
            bar.setExtra(current);
            bar.step(0);
        }

        @Override
        public void iteration(int iteration, double loss, double gradientNorm) {
            if (iteration % 10 == 0) {
                bar.setExtra(String.format(Locale.ROOT, "%s  iteration %d  loss %.5f", current, iteration, loss));
                bar.step(0);
            }
        }

        @Override
        public void searchPoint(LinearProbe.SearchPoint p) {
            bar.step(1);
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.step(1); // the final fit
                bar.close();
            }
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Classify images with a probe written by 'probe train'.")
    static final class Predict implements Callable<Integer> {

        @Option(names = {"-m", "--model"}, paramLabel = "M",
                description = "The model the probe was trained with (not needed for raw-pixel probes).")
        Path model;

        @Option(names = "--weights", paramLabel = "FILE", description = "Weights file inside the model directory or any path.")
        String weights;

        @Option(names = {"-p", "--probe"}, required = true, paramLabel = "FILE", description = "Probe from 'probe train'.")
        Path probeFile;

        @Option(names = {"-i", "--image"}, required = true, arity = "1..*", paramLabel = "FILE",
                description = "Images to classify.")
        List<Path> images = new ArrayList<>();

        @Option(names = {"-k", "--top"}, defaultValue = "5", description = "Classes to show per image (default ${DEFAULT-VALUE}).")
        int top;

        @Option(names = "--json", description = "Write JSON to stdout.")
        boolean json;

        @Override
        public Integer call() {
            if (top < 1) {
                throw new Errors.UsageException("--top must be at least 1");
            }
            LinearProbe probe = LinearProbe.load(probeFile);
            Tensor x;
            if (RAW_FEATURES.equals(probe.metadata().get("features"))) {
                x = rawPixels(probe);
            } else {
                if (model == null) {
                    throw new Errors.UsageException("give --model: " + probeFile + " was trained on the embeddings of "
                            + probe.metadata().getOrDefault("model", "a model"));
                }
                try (EmbeddingModel m = Models.loadEmbedding(model, weights, Kernels.get())) {
                    String fp = probe.metadata().get("model_fingerprint");
                    if (fp != null && !fp.equals(m.files().fingerprint())) {
                        throw new IllegalArgumentException(probeFile + " was trained with another model ("
                                + probe.metadata().getOrDefault("model", "?") + "), not " + model);
                    }
                    if (m.embedDim() != probe.featureDim()) {
                        throw new IllegalArgumentException(probeFile + " takes " + probe.featureDim()
                                + " features but " + model + " embeds into " + m.embedDim());
                    }
                    x = m.embedImages(images);
                }
            }
            List<List<LinearProbe.Prediction>> preds = probe.top(x, top);
            if (json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int i = 0; i < images.size(); i++) {
                    List<Map<String, Object>> ps = new ArrayList<>();
                    for (LinearProbe.Prediction p : preds.get(i)) {
                        Map<String, Object> e = new LinkedHashMap<>();
                        e.put("label", p.label());
                        e.put("index", p.index());
                        e.put("probability", p.probability());
                        ps.add(e);
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("path", images.get(i).toString());
                    row.put("predictions", ps);
                    rows.add(row);
                }
                Map<String, Object> outJson = new LinkedHashMap<>();
                outJson.put("probe", probeFile.toString());
                outJson.put("images", rows);
                Json.println(outJson);
                return 0;
            }
            for (int i = 0; i < images.size(); i++) {
                System.out.println(images.get(i));
                for (LinearProbe.Prediction p : preds.get(i)) {
                    System.out.printf(Locale.ROOT, "  %6.2f%%  %s%n", 100.0 * p.probability(), p.label());
                }
            }
            return 0;
        }

        /** Grayscale pixels in [0, 1] of images of the probe's size (PIL's "L" conversion for colour images). */
        private Tensor rawPixels(LinearProbe probe) {
            int w = Integer.parseInt(probe.metadata().getOrDefault("image_width", "0"));
            int h = Integer.parseInt(probe.metadata().getOrDefault("image_height", "0"));
            if (w * h != probe.featureDim()) {
                throw new IllegalArgumentException(probeFile + ": raw-pixel probe of " + probe.featureDim()
                        + " features without a matching image size in its metadata");
            }
            ImageLoader loader = new ImageLoader();
            float[] x = new float[images.size() * w * h];
            for (int i = 0; i < images.size(); i++) {
                DecodedImage img = loader.load(images.get(i));
                if (img.width() != w || img.height() != h) {
                    throw new IllegalArgumentException(images.get(i) + ": " + img.width() + "x" + img.height()
                            + " image, this raw-pixel probe takes " + w + "x" + h);
                }
                byte[] gray = grayscale(img);
                for (int p = 0; p < gray.length; p++) {
                    x[i * w * h + p] = (gray[p] & 0xff) / 255f;
                }
            }
            return Tensor.of(x, images.size(), w * h);
        }

        private static byte[] grayscale(DecodedImage img) {
            if (img.mode() == ImageMode.L) {
                return img.pixels();
            }
            DecodedImage rgb = PilConvert.toRgb(img);
            byte[] px = rgb.pixels();
            byte[] out = new byte[rgb.width() * rgb.height()];
            for (int p = 0; p < out.length; p++) {
                int r = px[3 * p] & 0xff;
                int g = px[3 * p + 1] & 0xff;
                int b = px[3 * p + 2] & 0xff;
                // PIL's ITU-R 601-2 luma with its fixed-point rounding.
                out[p] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
            }
            return out;
        }
    }
}
