package io.clip4j.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.optim.Lbfgs;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.Tensor;
import io.clip4j.weights.ModelFormatException;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.SafeTensorsWriter;
import io.clip4j.weights.TensorInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A linear probe: multinomial logistic regression with L2 regularisation on frozen features (image
 * embeddings, raw pixels, ...), the CLIP paper's way of measuring how good a representation is.
 *
 * <p>{@link #fit} follows scikit-learn's {@code LogisticRegression(solver="lbfgs")}: it minimises the mean
 * cross-entropy plus {@code ||W||^2 / (2 C n)} (intercepts unpenalised) with {@link Lbfgs L-BFGS}, on
 * features standardised per column (mean and standard deviation of all rows given to {@code fit}; the
 * labels play no part). Unless {@link Options#c() C} is fixed, C is chosen as the CLIP paper does: a
 * stratified validation split is held out, a parametric binary search over log-spaced C values picks the
 * one with the best validation accuracy, and the final model is refit on training plus validation data
 * with that C. Each fit of the search starts from the solution of the nearest C already fitted.
 *
 * <p>The split, the search and the order of every sum are fixed by {@link Options#seed()} and the data,
 * whatever the number of threads. With the default Vector API kernels the last bits of a GEMM can still
 * differ between runs: the Vector API leaves the order of a lane reduction open, and interpreted and
 * JIT-compiled code use different orders; that noise (about 1e-7 relative) can move a long fit by a few
 * iterations. {@link Kernels#scalar()} kernels ({@link Options#withKernels}) give bit-identical results.
 *
 * <p>A fitted probe is immutable and thread-safe; {@link #save} writes it as safetensors and {@link #load}
 * reads it back.
 */
public final class LinearProbe {

    /** The value of the {@code format} metadata entry of saved probes. */
    public static final String FORMAT = "clip4j-linear-probe";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final List<String> RESERVED_METADATA = List.of("format", "format_version", "classes", "C", "fit_report");

    /**
     * How to fit.
     *
     * @param c                  the regularisation strength (inverse: larger C, weaker penalty), or NaN to
     *                           choose it by the validation search
     * @param minLog10C          the search's smallest C is {@code 10^minLog10C}
     * @param maxLog10C          the search's largest C is {@code 10^maxLog10C}
     * @param stepsPerDecade     the search's resolution: candidates per factor of 10
     * @param validationFraction share of each class held out for the search
     * @param seed               seeds the validation split
     * @param optimizer          L-BFGS settings for every fit
     * @param standardize        standardise features per column (recommended; saved with the probe)
     * @param fitIntercept       learn an unpenalised bias per class
     * @param listener           told about progress
     * @param kernels            the compute kernels (default {@link Kernels#get()}; {@link Kernels#scalar()}
     *                           gives bit-identical results in every run, see the class comment)
     */
    public record Options(double c, double minLog10C, double maxLog10C, int stepsPerDecade, double validationFraction,
                          long seed, Lbfgs.Settings optimizer, boolean standardize, boolean fitIntercept,
                          FitListener listener, Kernels kernels) {

        public Options {
            Objects.requireNonNull(optimizer, "optimizer");
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(kernels, "kernels");
            if (!Double.isNaN(c) && !(c > 0 && Double.isFinite(c))) {
                throw new IllegalArgumentException("C must be positive and finite, got " + c);
            }
            new RegularizationSearch(minLog10C, maxLog10C, stepsPerDecade); // validates the range
            if (!(validationFraction > 0 && validationFraction < 1)) {
                throw new IllegalArgumentException("the validation fraction must be in (0, 1), got " + validationFraction);
            }
        }

        /**
         * C searched over 10^-6 .. 10^6 at 8 steps per decade (the CLIP paper's sweep), 20% validation,
         * seed 0, at most 1000 L-BFGS iterations per fit, standardised features, an intercept.
         */
        public static Options defaults() {
            return new Options(Double.NaN, -6, 6, 8, 0.2, 0L, defaultOptimizer(), true, true, FitListener.NONE,
                    Kernels.get());
        }

        /**
         * L-BFGS as scikit-learn runs it for LogisticRegression (at most 1000 iterations as in the CLIP paper;
         * stop when no gradient component exceeds 1e-4, scikit-learn's default {@code tol}), but keeping 20
         * corrections instead of 10: on correlated features such as pixels that saves about a third of the
         * iterations for a negligible cost per iteration.
         */
        public static Lbfgs.Settings defaultOptimizer() {
            return new Lbfgs.Settings(20, 1000, 1e-4, 1e-10, 40);
        }

        /** Whether C is chosen by the validation search. */
        public boolean searchesC() {
            return Double.isNaN(c);
        }

        /** A fixed C: no validation split, one fit on all the data. */
        public Options withC(double newC) {
            return new Options(newC, minLog10C, maxLog10C, stepsPerDecade, validationFraction, seed, optimizer,
                    standardize, fitIntercept, listener, kernels);
        }

        /** Search C over {@code 10^minLog10 .. 10^maxLog10} at {@code steps} candidates per decade. */
        public Options withSearch(double minLog10, double maxLog10, int steps) {
            return new Options(Double.NaN, minLog10, maxLog10, steps, validationFraction, seed, optimizer,
                    standardize, fitIntercept, listener, kernels);
        }

        public Options withValidationFraction(double f) {
            return new Options(c, minLog10C, maxLog10C, stepsPerDecade, f, seed, optimizer, standardize, fitIntercept,
                    listener, kernels);
        }

        public Options withSeed(long s) {
            return new Options(c, minLog10C, maxLog10C, stepsPerDecade, validationFraction, s, optimizer, standardize,
                    fitIntercept, listener, kernels);
        }

        public Options withOptimizer(Lbfgs.Settings o) {
            return new Options(c, minLog10C, maxLog10C, stepsPerDecade, validationFraction, seed, o, standardize,
                    fitIntercept, listener, kernels);
        }

        public Options withStandardize(boolean s) {
            return new Options(c, minLog10C, maxLog10C, stepsPerDecade, validationFraction, seed, optimizer, s,
                    fitIntercept, listener, kernels);
        }

        public Options withFitIntercept(boolean b) {
            return new Options(c, minLog10C, maxLog10C, stepsPerDecade, validationFraction, seed, optimizer,
                    standardize, b, listener, kernels);
        }

        public Options withKernels(Kernels k) {
            return new Options(c, minLog10C, maxLog10C, stepsPerDecade, validationFraction, seed, optimizer,
                    standardize, fitIntercept, listener, k);
        }

        public Options withListener(FitListener l) {
            return new Options(c, minLog10C, maxLog10C, stepsPerDecade, validationFraction, seed, optimizer,
                    standardize, fitIntercept, l, kernels);
        }
    }

    /** Progress callbacks of {@link #fit}; every method defaults to doing nothing. */
    public interface FitListener {
        /** A listener that ignores everything. */
        FitListener NONE = new FitListener() {
        };

        /** The search will make at most {@code maxFits} fits (before the final one). */
        default void searchStarted(int maxFits) {
        }

        /** A fit starts: {@code phase} is {@code "search"} or {@code "final"}. */
        default void fitStarted(String phase, double c) {
        }

        /** An L-BFGS iteration of the current fit completed. */
        default void iteration(int iteration, double loss, double gradientNorm) {
        }

        /** A candidate of the search has been scored. */
        default void searchPoint(SearchPoint point) {
        }
    }

    /**
     * One candidate of the C search.
     *
     * @param c                  the regularisation strength
     * @param validationAccuracy accuracy on the validation split
     * @param validationLoss     mean cross-entropy on the validation split
     * @param iterations         L-BFGS iterations of the fit on the training split
     * @param status             why that fit stopped
     * @param seconds            time of the fit and its scoring
     */
    public record SearchPoint(double c, double validationAccuracy, double validationLoss, int iterations,
                              Lbfgs.Status status, double seconds) {
    }

    /**
     * What {@link #fit} did.
     *
     * @param c                 the C of the final model
     * @param searched          whether C was chosen by the validation search
     * @param search            the scored candidates in the order they were fitted (empty when C was fixed)
     * @param trainSamples      samples of the search's training split (all samples when C was fixed)
     * @param validationSamples samples of the validation split (0 when C was fixed)
     * @param samples           samples of the final fit (training plus validation)
     * @param iterations        L-BFGS iterations of the final fit
     * @param evaluations       loss and gradient evaluations of the final fit
     * @param status            why the final fit stopped
     * @param loss              the final objective (mean cross-entropy plus penalty)
     * @param trainAccuracy     accuracy of the final model on all its samples
     * @param searchSeconds     time of the search
     * @param fitSeconds        time of the final fit
     * @param totalSeconds      time of everything, including standardisation and copies
     */
    public record FitReport(double c, boolean searched, List<SearchPoint> search, int trainSamples,
                            int validationSamples, int samples, int iterations, int evaluations, Lbfgs.Status status,
                            double loss, double trainAccuracy, double searchSeconds, double fitSeconds,
                            double totalSeconds) {

        public FitReport {
            search = List.copyOf(search);
        }

        /** The best validation accuracy of the search, or NaN when C was fixed. */
        public double bestValidationAccuracy() {
            return search.stream().mapToDouble(SearchPoint::validationAccuracy).max().orElse(Double.NaN);
        }

        /** L-BFGS iterations of all fits, the search's included. */
        public int totalIterations() {
            return iterations + search.stream().mapToInt(SearchPoint::iterations).sum();
        }
    }

    /** One class of one sample. */
    public record Prediction(int index, String label, float probability) {
    }

    private final List<String> classNames;
    private final int dim;
    private final float[] weight;         // [classes, dim], on standardised features
    private final float[] bias;           // [classes]
    private final FeatureScaling scaling;
    private final double c;
    private final FitReport report;
    private final Map<String, String> metadata;
    // The same model on raw features: W / scale and b - (W / scale) . mean, so prediction is one GEMM.
    private final float[] rawWeight;
    private final float[] rawBias;

    private LinearProbe(List<String> classNames, float[] weight, float[] bias, FeatureScaling scaling, double c,
                        FitReport report, Map<String, String> metadata) {
        this.classNames = List.copyOf(classNames);
        this.dim = scaling.dim();
        this.weight = weight;
        this.bias = bias;
        this.scaling = scaling;
        this.c = c;
        this.report = report;
        this.metadata = Map.copyOf(metadata);
        int k = classNames.size();
        this.rawWeight = new float[k * dim];
        this.rawBias = new float[k];
        for (int cls = 0; cls < k; cls++) {
            double shift = 0;
            for (int j = 0; j < dim; j++) {
                double w = (double) weight[cls * dim + j] / scaling.scale()[j];
                rawWeight[cls * dim + j] = (float) w;
                shift += w * scaling.mean()[j];
            }
            rawBias[cls] = (float) (bias[cls] - shift);
        }
    }

    // ------------------------------------------------------------------------------------------ fitting

    /** Fits a probe on {@code features [n, dim]} with {@code labels} (indices into {@code classNames}). */
    public static LinearProbe fit(Tensor features, int[] labels, List<String> classNames, Options options) {
        if (features.rank() != 2) {
            throw new IllegalArgumentException("features must be [samples, dim], got shape " + Arrays.toString(features.shape()));
        }
        return fit(features.data(), features.dim(0), features.dim(1), labels, classNames, options);
    }

    /** Fits a probe on one feature row per sample, all of the same length. */
    public static LinearProbe fit(float[][] features, int[] labels, List<String> classNames, Options options) {
        Objects.requireNonNull(features, "features");
        if (features.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        int d = features[0] == null ? 0 : features[0].length;
        float[] flat = new float[Math.multiplyExact(features.length, d)];
        for (int i = 0; i < features.length; i++) {
            if (features[i] == null || features[i].length != d) {
                throw new IllegalArgumentException("feature row " + i + " has " + (features[i] == null ? "no"
                        : features[i].length) + " values, row 0 has " + d);
            }
            System.arraycopy(features[i], 0, flat, i * d, d);
        }
        return fit(flat, features.length, d, labels, classNames, options);
    }

    private static LinearProbe fit(float[] x, int n, int d, int[] labels, List<String> classNames, Options options) {
        long t0 = System.nanoTime();
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(classNames, "classNames");
        Objects.requireNonNull(options, "options");
        checkInput(x, n, d, labels, classNames);
        int k = classNames.size();
        Kernels kernels = options.kernels();
        FeatureScaling scaling = options.standardize() ? FeatureScaling.fit(x, n, d) : FeatureScaling.identity(d);
        Lbfgs lbfgs = new Lbfgs(options.optimizer());
        FitListener listener = options.listener();

        double chosenC = options.c();
        double[] start = new double[SoftmaxObjective.parameterCount(k, d, options.fitIntercept())];
        List<SearchPoint> points = new ArrayList<>();
        int trainSamples = n;
        int validationSamples = 0;
        double searchSeconds = 0;
        if (options.searchesC()) {
            long s0 = System.nanoTime();
            ValidationSplit split = ValidationSplit.stratified(labels, k, options.validationFraction(), options.seed());
            if (split.validation().length == 0) {
                throw new IllegalArgumentException("cannot hold out a validation split: every class has a single sample "
                        + "(give more samples or fix C)");
            }
            trainSamples = split.train().length;
            validationSamples = split.validation().length;
            FeatureBlocks train = FeatureBlocks.of(x, d, split.train(), labels, scaling);
            FeatureBlocks val = FeatureBlocks.of(x, d, split.validation(), labels, scaling);
            RegularizationSearch search = new RegularizationSearch(options.minLog10C(), options.maxLog10C(),
                    options.stepsPerDecade());
            TreeMap<Integer, double[]> solutions = new TreeMap<>();
            listener.searchStarted(search.maxEvaluations());
            int best = search.run(i -> {
                long f0 = System.nanoTime();
                double ci = search.c(i);
                listener.fitStarted("search", ci);
                double[] warm = nearest(solutions, i, start);
                Lbfgs.Result r = lbfgs.minimize(new SoftmaxObjective(train, k, ci, options.fitIntercept(), kernels),
                        warm, listener::iteration);
                solutions.put(i, r.x());
                double[] al = SoftmaxObjective.accuracyAndLoss(r.x(), val, k, options.fitIntercept(), kernels);
                SearchPoint p = new SearchPoint(ci, al[0], al[1], r.iterations(), r.status(), seconds(f0));
                points.add(p);
                listener.searchPoint(p);
                return new RegularizationSearch.Score(al[0], al[1]);
            });
            chosenC = search.c(best);
            System.arraycopy(solutions.get(best), 0, start, 0, start.length);
            searchSeconds = seconds(s0);
        }

        long f0 = System.nanoTime();
        int[] everyRow = new int[n];
        Arrays.setAll(everyRow, i -> i);
        FeatureBlocks all = FeatureBlocks.of(x, d, everyRow, labels, scaling);
        listener.fitStarted("final", chosenC);
        Lbfgs.Result r = lbfgs.minimize(new SoftmaxObjective(all, k, chosenC, options.fitIntercept(), kernels), start,
                listener::iteration);
        double fitSeconds = seconds(f0);
        double trainAccuracy = SoftmaxObjective.accuracyAndLoss(r.x(), all, k, options.fitIntercept(), kernels)[0];
        float[] w = SoftmaxObjective.toFloats(r.x(), 0, k * d);
        float[] b = options.fitIntercept() ? SoftmaxObjective.toFloats(r.x(), k * d, k) : new float[k];
        FitReport report = new FitReport(chosenC, options.searchesC(), points, trainSamples, validationSamples, n,
                r.iterations(), r.evaluations(), r.status(), r.value(), trainAccuracy, searchSeconds, fitSeconds,
                seconds(t0));
        return new LinearProbe(classNames, w, b, scaling, chosenC, report, Map.of());
    }

    private static double[] nearest(TreeMap<Integer, double[]> solutions, int i, double[] fallback) {
        Map.Entry<Integer, double[]> lo = solutions.floorEntry(i);
        Map.Entry<Integer, double[]> hi = solutions.ceilingEntry(i);
        if (lo == null && hi == null) {
            return fallback;
        }
        if (lo == null) {
            return hi.getValue();
        }
        if (hi == null) {
            return lo.getValue();
        }
        return i - lo.getKey() <= hi.getKey() - i ? lo.getValue() : hi.getValue();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void checkInput(float[] x, int n, int d, int[] labels, List<String> classNames) {
        if (n == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (d == 0) {
            throw new IllegalArgumentException("the feature rows are empty");
        }
        if (labels.length != n) {
            throw new IllegalArgumentException(n + " feature rows but " + labels.length + " labels");
        }
        int k = classNames.size();
        if (k < 2) {
            throw new IllegalArgumentException("a probe needs at least two classes, got " + k + (k == 1 ? " ('"
                    + classNames.getFirst() + "')" : ""));
        }
        HashSet<String> seen = new HashSet<>();
        for (String name : classNames) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("class names must not be empty");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("class name '" + name + "' appears twice");
            }
        }
        int[] count = new int[k];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is not a class index 0.."
                        + (k - 1));
            }
            count[labels[i]]++;
        }
        for (int c = 0; c < k; c++) {
            if (count[c] == 0) {
                throw new IllegalArgumentException("class '" + classNames.get(c) + "' has no samples");
            }
        }
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException("feature " + (i % d) + " of sample " + (i / d) + " is " + x[i]);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ predicting

    /** The class names, indexed by label. */
    public List<String> classNames() {
        return classNames;
    }

    /** Number of features per sample. */
    public int featureDim() {
        return dim;
    }

    /** The regularisation strength of this model. */
    public double c() {
        return c;
    }

    /** What {@link #fit} did, or null for a probe loaded from a file that does not record it. */
    public FitReport report() {
        return report;
    }

    /** Extra metadata given to {@link #save(Path, Map)} (for loaded probes), else empty. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Weights on standardised features, {@code [classes, dim]}. */
    public Tensor weight() {
        return Tensor.of(weight.clone(), classNames.size(), dim);
    }

    /** Intercepts, {@code [classes]}. */
    public float[] bias() {
        return bias.clone();
    }

    /** Per-feature means subtracted before the weights apply. */
    public float[] featureMean() {
        return scaling.mean().clone();
    }

    /** Per-feature divisors applied before the weights. */
    public float[] featureScale() {
        return scaling.scale().clone();
    }

    /** Class scores (logits) {@code [n, classes]} of {@code features [n, dim]}. */
    public Tensor logits(Tensor features) {
        if (features.rank() != 2 || features.dim(1) != dim) {
            throw new IllegalArgumentException("features must be [samples, " + dim + "], got shape "
                    + Arrays.toString(features.shape()));
        }
        int n = features.dim(0);
        int k = classNames.size();
        float[] out = new float[Math.multiplyExact(n, k)];
        Ops.get().gemmNT(n, k, dim, features.data(), 0, dim, rawWeight, 0, dim, out, 0, k, rawBias, null);
        return Tensor.of(out, n, k);
    }

    /** Class probabilities (softmax of the logits) {@code [n, classes]}. */
    public Tensor predictProba(Tensor features) {
        Tensor l = logits(features);
        float[] p = l.data();
        int k = classNames.size();
        for (int r = 0; r < l.dim(0); r++) {
            softmaxRow(p, r * k, k);
        }
        return l;
    }

    /** Class probabilities of one sample. */
    public float[] predictProba(float[] features) {
        return predictProba(Tensor.of(features.clone(), 1, features.length)).data();
    }

    /** The most probable class of every sample. */
    public int[] predict(Tensor features) {
        Tensor l = logits(features);
        int k = classNames.size();
        int[] out = new int[l.dim(0)];
        float[] v = l.data();
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int c2 = 1; c2 < k; c2++) {
                if (v[r * k + c2] > v[r * k + best]) {
                    best = c2;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /** The most probable class of one sample. */
    public int predict(float[] features) {
        return predict(Tensor.of(features.clone(), 1, features.length))[0];
    }

    /** The most probable class of every row. */
    public int[] predict(float[][] features) {
        return predict(stack(features));
    }

    /** Share of samples whose most probable class is their label. */
    public double accuracy(Tensor features, int[] labels) {
        int[] p = predict(features);
        if (labels.length != p.length) {
            throw new IllegalArgumentException(p.length + " feature rows but " + labels.length + " labels");
        }
        long ok = 0;
        for (int i = 0; i < p.length; i++) {
            ok += p[i] == labels[i] ? 1 : 0;
        }
        return p.length == 0 ? Double.NaN : (double) ok / p.length;
    }

    /** Share of rows whose most probable class is their label. */
    public double accuracy(float[][] features, int[] labels) {
        return accuracy(stack(features), labels);
    }

    /** The {@code topK} most probable classes of every sample, best first. */
    public List<List<Prediction>> top(Tensor features, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1, got " + topK);
        }
        Tensor p = predictProba(features);
        int k = classNames.size();
        List<List<Prediction>> out = new ArrayList<>(p.dim(0));
        for (int r = 0; r < p.dim(0); r++) {
            Integer[] idx = new Integer[k];
            Arrays.setAll(idx, i -> i);
            float[] v = p.data();
            int base = r * k;
            Arrays.sort(idx, (a, b2) -> {
                int cmp = Float.compare(v[base + b2], v[base + a]);
                return cmp != 0 ? cmp : a - b2;
            });
            List<Prediction> row = new ArrayList<>();
            for (int i = 0; i < Math.min(topK, k); i++) {
                row.add(new Prediction(idx[i], classNames.get(idx[i]), v[base + idx[i]]));
            }
            out.add(row);
        }
        return out;
    }

    private Tensor stack(float[][] features) {
        for (int i = 0; i < features.length; i++) {
            if (features[i] == null || features[i].length != dim) {
                throw new IllegalArgumentException("feature row " + i + " has " + (features[i] == null ? "no"
                        : features[i].length) + " values, the probe takes " + dim);
            }
        }
        return features.length == 0 ? Tensor.zeros(0, dim) : Tensor.stack(features);
    }

    private static void softmaxRow(float[] v, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(v[off + i] - max);
        }
        for (int i = 0; i < n; i++) {
            v[off + i] = (float) (Math.exp(v[off + i] - max) / sum);
        }
    }

    // ------------------------------------------------------------------------------------------ files

    /** Writes the probe (see {@link #save(Path, Map)}) without extra metadata. */
    public void save(Path file) {
        save(file, metadata);
    }

    /**
     * Writes the probe as safetensors: F32 {@code weight [classes, dim]} (on standardised features),
     * {@code bias [classes]}, {@code feature_mean [dim]} and {@code feature_scale [dim]}; metadata
     * {@code format}, {@code classes} (JSON list), {@code C}, {@code fit_report} (JSON) and the given extra
     * entries (e.g. which model made the features). The file is replaced atomically.
     */
    public void save(Path file, Map<String, String> extraMetadata) {
        SafeTensorsWriter w = new SafeTensorsWriter()
                .metadata("format", FORMAT)
                .metadata("format_version", "1")
                .metadata("classes", toJson(classNames))
                .metadata("C", Double.toString(c));
        if (report != null) {
            w.metadata("fit_report", toJson(report));
        }
        for (Map.Entry<String, String> e : new TreeMap<>(extraMetadata).entrySet()) {
            if (RESERVED_METADATA.contains(e.getKey())) {
                throw new IllegalArgumentException("metadata key '" + e.getKey() + "' is reserved");
            }
            w.metadata(e.getKey(), e.getValue());
        }
        int k = classNames.size();
        w.putF32("weight", weight, k, dim)
                .putF32("bias", bias, k)
                .putF32("feature_mean", scaling.mean(), dim)
                .putF32("feature_scale", scaling.scale(), dim)
                .write(file);
    }

    /**
     * Reads a probe written by {@link #save}.
     *
     * @throws ModelFormatException naming the file when it is not a probe or its tensors do not fit together
     */
    public static LinearProbe load(Path file) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            String name = file.toString();
            Map<String, String> meta = f.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw new ModelFormatException(name + ": not a clip4j linear probe (metadata 'format' is "
                        + (meta.containsKey("format") ? "'" + meta.get("format") + "'" : "missing") + ")");
            }
            List<String> classes;
            try {
                classes = Arrays.asList(JSON.readValue(meta.getOrDefault("classes", ""), String[].class));
            } catch (JsonProcessingException e) {
                throw new ModelFormatException(name + ": metadata 'classes' is not a JSON list of names");
            }
            long[] ws = shape(f, "weight", 2, name);
            int k = (int) ws[0];
            int d = (int) ws[1];
            if (classes.size() != k) {
                throw new ModelFormatException(name + ": " + classes.size() + " class names for " + k + " weight rows");
            }
            checkShape(shape(f, "bias", 1, name), k, "bias", name);
            checkShape(shape(f, "feature_mean", 1, name), d, "feature_mean", name);
            checkShape(shape(f, "feature_scale", 1, name), d, "feature_scale", name);
            float[] scale = f.floats("feature_scale");
            for (float s : scale) {
                if (!(s > 0) || !Float.isFinite(s)) {
                    throw new ModelFormatException(name + ": feature_scale holds " + s + " (must be positive)");
                }
            }
            double c;
            try {
                c = Double.parseDouble(meta.getOrDefault("C", "NaN"));
            } catch (NumberFormatException e) {
                throw new ModelFormatException(name + ": metadata 'C' is not a number: " + meta.get("C"));
            }
            FitReport report = null;
            if (meta.containsKey("fit_report")) {
                try {
                    report = JSON.readValue(meta.get("fit_report"), FitReport.class);
                } catch (JsonProcessingException e) {
                    throw new ModelFormatException(name + ": metadata 'fit_report' is not valid: "
                            + e.getOriginalMessage());
                }
            }
            Map<String, String> extra = new LinkedHashMap<>(meta);
            RESERVED_METADATA.forEach(extra::remove);
            return new LinearProbe(classes, f.floats("weight"), f.floats("bias"),
                    new FeatureScaling(f.floats("feature_mean"), scale), c, report, extra);
        }
    }

    private static long[] shape(SafeTensorsFile f, String tensor, int rank, String name) {
        TensorInfo info = f.require(tensor);
        long[] s = info.shape();
        if (s.length != rank) {
            throw new ModelFormatException(name + ": " + tensor + " has shape " + info.shapeString() + ", expected rank " + rank);
        }
        return s;
    }

    private static void checkShape(long[] s, int expected, String tensor, String name) {
        if (s[0] != expected) {
            throw new ModelFormatException(name + ": " + tensor + " has " + s[0] + " values, expected " + expected);
        }
    }

    private static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "LinearProbe[" + classNames.size() + " classes, " + dim + " features, C=" + c + "]";
    }
}
