package io.clip4j.train.autograd;

import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference gradient checks: the analytic gradient of {@code sum(w * f(inputs))} (random fixed
 * weights {@code w}) against central differences, input by input, element by element.
 */
final class GradCheck {

    private GradCheck() {
    }

    static float[] randn(SplittableRandom rnd, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u1 = rnd.nextDouble();
            double u2 = rnd.nextDouble();
            v[i] = (float) (scale * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
        }
        return v;
    }

    static Variable leaf(SplittableRandom rnd, double scale, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return Variable.leaf(randn(rnd, n, scale), shape);
    }

    /**
     * Checks every input's gradient; {@code f} must build its output from the given tape only.
     *
     * @return the worst relative error (max abs difference over max abs gradient, per input)
     */
    static double check(String what, Function<Tape, Variable> f, double tol, Variable... inputs) {
        Backend backend = Backend.precise();
        Variable probe = f.apply(Tape.noGrad(backend));
        float[] w = randn(new SplittableRandom(99), probe.size(), 1.0);
        Tape tape = Tape.create(backend);
        Variable y = f.apply(tape);
        for (Variable in : inputs) {
            in.zeroGrad();
        }
        tape.backward(y, w.clone());
        double worst = 0;
        for (int k = 0; k < inputs.length; k++) {
            Variable in = inputs[k];
            float[] analytic = in.grad() == null ? new float[in.size()] : in.grad().clone();
            float[] x = in.data();
            double maxDiff = 0;
            double maxRef = 0;
            for (int i = 0; i < x.length; i++) {
                float orig = x[i];
                double h = 1e-2 * Math.max(1, Math.abs(orig));
                x[i] = (float) (orig + h);
                double plus = objective(f.apply(Tape.noGrad(backend)), w);
                x[i] = (float) (orig - h);
                double minus = objective(f.apply(Tape.noGrad(backend)), w);
                x[i] = orig;
                double numeric = (plus - minus) / (2 * h);
                maxDiff = Math.max(maxDiff, Math.abs(numeric - analytic[i]));
                maxRef = Math.max(maxRef, Math.abs(numeric));
            }
            double err = maxRef == 0 ? maxDiff : maxDiff / maxRef;
            assertTrue(err <= tol, what + ": input " + k + " " + in + ": gradient error " + err + " > " + tol);
            worst = Math.max(worst, err);
        }
        return worst;
    }

    private static double objective(Variable y, float[] w) {
        double s = 0;
        float[] d = y.data();
        for (int i = 0; i < d.length; i++) {
            s += (double) w[i] * d[i];
        }
        return s;
    }
}
