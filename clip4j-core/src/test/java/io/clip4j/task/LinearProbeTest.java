package io.clip4j.task;

import io.clip4j.optim.Lbfgs;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Tensor;
import io.clip4j.weights.ModelFormatException;
import io.clip4j.weights.SafeTensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fitting, the C search, prediction, files and input checks of the linear probe. */
class LinearProbeTest {

    private static final List<String> CLASSES = List.of("red", "green", "blue");

    @TempDir
    Path tmp;

    /** Three Gaussian blobs in {@code dim} dimensions, {@code perClass} samples each, features offset and scaled. */
    private static float[][] blobs(int perClass, int dim, double spread, long seed, int[] labelsOut) {
        Random r = new Random(seed);
        float[][] x = new float[3 * perClass][dim];
        for (int i = 0; i < x.length; i++) {
            int c = i % 3;
            labelsOut[i] = c;
            for (int j = 0; j < dim; j++) {
                double center = j == c ? 4 : 0;
                // Different offsets and scales per feature, which standardisation must absorb.
                x[i][j] = (float) ((center + spread * r.nextGaussian()) * (j + 1) + 10 * j);
            }
        }
        return x;
    }

    @Test
    void separatesSeparableDataWithAFixedC() {
        int[] y = new int[150];
        float[][] x = blobs(50, 5, 0.5, 1, y);
        LinearProbe p = LinearProbe.fit(x, y, CLASSES, LinearProbe.Options.defaults().withC(1.0));
        assertEquals(1.0, p.accuracy(x, y));
        LinearProbe.FitReport r = p.report();
        assertEquals(1.0, r.c());
        assertTrue(!r.searched() && r.search().isEmpty());
        assertTrue(r.status().converged(), "status " + r.status());
        assertEquals(1.0, r.trainAccuracy());
        assertTrue(r.iterations() > 0 && r.evaluations() >= r.iterations());
        float[] proba = p.predictProba(x[0]);
        double sum = 0;
        for (float v : proba) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-5);
        assertEquals(y[0], p.predict(x[0]));
        assertTrue(proba[y[0]] > 0.9, "confident on a training point: " + proba[y[0]]);
    }

    @Test
    void searchesCOnAValidationSplitAndRefitsOnEverything() {
        int[] y = new int[300];
        float[][] x = blobs(100, 6, 1.5, 2, y);
        List<String> events = new ArrayList<>();
        LinearProbe.FitListener listener = new LinearProbe.FitListener() {
            @Override
            public void fitStarted(String phase, double c) {
                events.add(phase);
            }
        };
        LinearProbe p = LinearProbe.fit(x, y, CLASSES, LinearProbe.Options.defaults().withSeed(3).withListener(listener));
        LinearProbe.FitReport r = p.report();
        assertTrue(r.searched());
        assertEquals(60, r.validationSamples());
        assertEquals(240, r.trainSamples());
        assertEquals(300, r.samples());
        assertTrue(r.search().size() >= 7 && r.search().size() <= 15, r.search().size() + " candidates");
        assertEquals(r.search().size() + 1, events.size());
        assertEquals("final", events.getLast());
        // The chosen C has the best validation accuracy of all candidates.
        double bestAcc = r.bestValidationAccuracy();
        LinearProbe.SearchPoint chosen = r.search().stream().filter(s -> s.c() == r.c()).findFirst().orElseThrow();
        assertEquals(bestAcc, chosen.validationAccuracy());
        // Heavy regularisation (C = 1e-6) shrinks the weights to nearly nothing: almost uniform probabilities.
        assertEquals(1e-6, r.search().getFirst().c(), 1e-18);
        assertEquals(Math.log(3), r.search().getFirst().validationLoss(), 0.01);
        assertTrue(bestAcc > 0.9, "best validation accuracy " + bestAcc);

        int[] yTest = new int[300];
        float[][] test = blobs(100, 6, 1.5, 99, yTest);
        assertTrue(p.accuracy(test, yTest) > 0.9);
    }

    @Test
    void isDeterministicGivenTheSeed() {
        int[] y = new int[90];
        float[][] x = blobs(30, 4, 2.0, 4, y);
        // Scalar kernels: the Vector API may order lane reductions differently once the JIT compiles them.
        LinearProbe.Options o = LinearProbe.Options.defaults().withSearch(-3, 3, 2).withSeed(11)
                .withKernels(Kernels.scalar());
        LinearProbe a = LinearProbe.fit(x, y, CLASSES, o);
        LinearProbe b = LinearProbe.fit(x, y, CLASSES, o);
        assertEquals(a.c(), b.c());
        assertArrayEquals(a.weight().data(), b.weight().data(), 0f);
        assertArrayEquals(a.bias(), b.bias(), 0f);
        assertEquals(a.report().search().stream().map(LinearProbe.SearchPoint::validationLoss).toList(),
                b.report().search().stream().map(LinearProbe.SearchPoint::validationLoss).toList());
        // The default kernels agree to rounding noise and make the same choices.
        LinearProbe v = LinearProbe.fit(x, y, CLASSES, o.withKernels(Kernels.get()));
        assertEquals(a.c(), v.c());
        assertArrayEquals(a.weight().data(), v.weight().data(), 1e-3f);
        assertArrayEquals(a.predict(x), v.predict(x));
    }

    @Test
    void savesAndLoadsEverything() {
        int[] y = new int[60];
        float[][] x = blobs(20, 4, 1.0, 5, y);
        LinearProbe p = LinearProbe.fit(x, y, CLASSES, LinearProbe.Options.defaults().withSearch(-2, 2, 1));
        Path f = tmp.resolve("sub/probe.safetensors");
        p.save(f, Map.of("model", "tiny", "features", "embedding"));
        LinearProbe q = LinearProbe.load(f);
        assertEquals(CLASSES, q.classNames());
        assertEquals(p.c(), q.c());
        assertEquals(4, q.featureDim());
        assertArrayEquals(p.weight().data(), q.weight().data(), 0f);
        assertArrayEquals(p.bias(), q.bias(), 0f);
        assertArrayEquals(p.featureMean(), q.featureMean(), 0f);
        assertArrayEquals(p.featureScale(), q.featureScale(), 0f);
        assertEquals(p.report(), q.report());
        assertEquals(Map.of("model", "tiny", "features", "embedding"), q.metadata());
        Tensor xt = Tensor.stack(x);
        assertArrayEquals(p.predictProba(xt).data(), q.predictProba(xt).data(), 0f);
        assertArrayEquals(p.predict(xt), q.predict(xt));
        List<List<LinearProbe.Prediction>> top = q.top(xt, 2);
        assertEquals(60, top.size());
        assertEquals(2, top.getFirst().size());
        assertEquals(q.predict(x[0]), top.getFirst().getFirst().index());
        assertEquals(CLASSES.get(top.getFirst().getFirst().index()), top.getFirst().getFirst().label());
        assertThrows(IllegalArgumentException.class, () -> p.save(tmp.resolve("x"), Map.of("classes", "[]")));
    }

    @Test
    void refusesFilesThatAreNotProbes() {
        Path other = tmp.resolve("other.safetensors");
        new SafeTensorsWriter().putF32("weight", new float[4], 2, 2).write(other);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LinearProbe.load(other));
        assertTrue(e.getMessage().contains("other.safetensors") && e.getMessage().contains("not a clip4j linear probe"),
                e.getMessage());

        Path broken = tmp.resolve("broken.safetensors");
        new SafeTensorsWriter().metadata("format", LinearProbe.FORMAT).metadata("classes", "[\"a\",\"b\",\"c\"]")
                .putF32("weight", new float[4], 2, 2).putF32("bias", new float[2], 2)
                .putF32("feature_mean", new float[2], 2).putF32("feature_scale", new float[]{1, 1}, 2).write(broken);
        e = assertThrows(ModelFormatException.class, () -> LinearProbe.load(broken));
        assertTrue(e.getMessage().contains("3 class names for 2 weight rows"), e.getMessage());
    }

    @Test
    void rejectsBadInputWithClearMessages() {
        float[][] x = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
        LinearProbe.Options o = LinearProbe.Options.defaults().withC(1);
        assertMessage("4 feature rows but 3 labels", () -> LinearProbe.fit(x, new int[]{0, 1, 0}, List.of("a", "b"), o));
        assertMessage("at least two classes, got 1 ('a')", () -> LinearProbe.fit(x, new int[]{0, 0, 0, 0}, List.of("a"), o));
        assertMessage("class 'b' has no samples", () -> LinearProbe.fit(x, new int[]{0, 0, 0, 0}, List.of("a", "b"), o));
        assertMessage("label 2 of sample 3 is not a class index 0..1",
                () -> LinearProbe.fit(x, new int[]{0, 1, 0, 2}, List.of("a", "b"), o));
        float[][] nan = {{1, 2}, {3, 4}, {5, Float.NaN}, {7, 8}};
        assertMessage("feature 1 of sample 2 is NaN", () -> LinearProbe.fit(nan, new int[]{0, 1, 0, 1}, List.of("a", "b"), o));
        float[][] ragged = {{1, 2}, {3}, {5, 6}, {7, 8}};
        assertMessage("feature row 1 has 1 values, row 0 has 2",
                () -> LinearProbe.fit(ragged, new int[]{0, 1, 0, 1}, List.of("a", "b"), o));
        assertMessage("class name 'a' appears twice", () -> LinearProbe.fit(x, new int[]{0, 1, 0, 1}, List.of("a", "a"), o));
        assertMessage("every class has a single sample", () -> LinearProbe.fit(new float[][]{{1}, {2}}, new int[]{0, 1},
                List.of("a", "b"), LinearProbe.Options.defaults()));
        assertMessage("C must be positive", () -> o.withC(-1));
        assertMessage("validation fraction must be in (0, 1)", () -> o.withValidationFraction(1.0));

        LinearProbe p = LinearProbe.fit(x, new int[]{0, 1, 0, 1}, List.of("a", "b"), o);
        assertMessage("features must be [samples, 2], got shape [1, 3]", () -> p.predict(Tensor.of(new float[3], 1, 3)));
    }

    @Test
    void worksWithoutStandardisationOrIntercept() {
        int[] y = new int[150];
        float[][] x = blobs(50, 3, 0.3, 6, y);
        for (float[] row : x) { // centre roughly so that a model without intercept can separate
            for (int j = 0; j < row.length; j++) {
                row[j] -= 10 * j + 2 * (j + 1);
            }
        }
        LinearProbe p = LinearProbe.fit(x, y, CLASSES, LinearProbe.Options.defaults().withC(10)
                .withStandardize(false).withFitIntercept(false)
                .withOptimizer(LinearProbe.Options.defaultOptimizer().withMaxIterations(500)));
        assertArrayEquals(new float[3], p.bias(), 0f);
        assertArrayEquals(new float[]{1, 1, 1}, p.featureScale(), 0f);
        assertTrue(p.accuracy(x, y) > 0.95);
        assertNotNull(p.report().status());
        assertTrue(p.report().status() != Lbfgs.Status.LINE_SEARCH_FAILED || p.report().iterations() > 0);
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), "message '" + ex.getMessage() + "' lacks '" + expected + "'");
    }
}
