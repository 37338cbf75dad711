package io.clip4j.task;

import io.clip4j.data.FashionMnist;
import io.clip4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optimiser on a real benchmark: multinomial logistic regression on the raw pixels of all 60,000
 * Fashion-MNIST training images, scored on the 10,000 test images. Published scikit-learn
 * LogisticRegression results are about 0.84; the probe must reach that.
 *
 * <p>C is fixed to what the full search ({@code clip4j probe train --data fashion-mnist --features raw})
 * chooses, and the iterations are capped (the test accuracy is within 0.002 of the converged fit's), to
 * keep the test short: about 20 s in a fresh JVM on two cores.
 */
class FashionMnistProbeTest {

    @Test
    void rawPixelProbeReachesThePublishedAccuracy() {
        assertTrue(FashionMnist.available(FashionMnist.defaultDir()), "Fashion-MNIST is not installed in "
                + FashionMnist.defaultDir() + " (Debian package dataset-fashion-mnist; .ci/run installs it)");
        FashionMnist train = FashionMnist.load(FashionMnist.Split.TRAIN);
        FashionMnist test = FashionMnist.load(FashionMnist.Split.TEST);
        Tensor x = train.floats();
        LinearProbe.Options options = LinearProbe.Options.defaults().withC(0.01)
                .withOptimizer(LinearProbe.Options.defaultOptimizer().withMaxIterations(100));
        LinearProbe probe = LinearProbe.fit(x, train.labels(), FashionMnist.LABELS, options);
        double testAccuracy = probe.accuracy(test.floats(), test.labels());
        LinearProbe.FitReport r = probe.report();
        System.out.printf(Locale.ROOT, "Fashion-MNIST raw pixels, C=%.3g: test accuracy %.4f, train accuracy %.4f, "
                        + "%d iterations (%s), %d evaluations, %.1fs fit, %.1fs total (%s kernels, %d threads)%n", r.c(),
                testAccuracy, r.trainAccuracy(), r.iterations(), r.status(), r.evaluations(), r.fitSeconds(),
                r.totalSeconds(), io.clip4j.tensor.Kernels.get().name(), io.clip4j.tensor.Parallel.threads());
        assertTrue(testAccuracy >= 0.84, "test accuracy " + testAccuracy);
        assertTrue(r.trainAccuracy() > testAccuracy, "a linear model fits its training data better than unseen data");
    }
}
