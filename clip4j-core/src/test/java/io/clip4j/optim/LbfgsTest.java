package io.clip4j.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** L-BFGS and its line search on functions with known minima. */
class LbfgsTest {

    /** f(x) = 1/2 sum_i a_i (x_i - c_i)^2 with condition number 1e3. */
    private static final DifferentiableFunction QUADRATIC = (x, g) -> {
        double f = 0;
        for (int i = 0; i < x.length; i++) {
            double a = Math.pow(10, 3.0 * i / (x.length - 1));
            double r = x[i] - (i + 1);
            f += 0.5 * a * r * r;
            g[i] = a * r;
        }
        return f;
    };

    /** The n-dimensional Rosenbrock function, minimum 0 at (1, ..., 1). */
    private static final DifferentiableFunction ROSENBROCK = (x, g) -> {
        double f = 0;
        java.util.Arrays.fill(g, 0);
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            f += 100 * a * a + b * b;
            g[i] += -400 * x[i] * a - 2 * b;
            g[i + 1] += 200 * a;
        }
        return f;
    };

    @Test
    void findsTheMinimumOfAnIllConditionedQuadratic() {
        double[] x0 = new double[50];
        Lbfgs.Result r = new Lbfgs(Lbfgs.Settings.defaults().withGradientTolerance(1e-8)
                .withRelativeTolerance(0)).minimize(QUADRATIC, x0);
        assertEquals(Lbfgs.Status.GRADIENT_CONVERGED, r.status());
        for (int i = 0; i < x0.length; i++) {
            assertEquals(i + 1, r.x()[i], 1e-6, "x" + i);
        }
        assertTrue(r.value() < 1e-12, "f = " + r.value());
        // SciPy's L-BFGS-B (m = 10) needs 352 iterations for this problem; a linear rate is expected.
        assertTrue(r.iterations() < 450, r.iterations() + " iterations");
        assertArrayEquals(new double[50], x0, "the start point must not be modified");
    }

    @Test
    void solvesTheRosenbrockValleyFromTheClassicStart() {
        Lbfgs lbfgs = new Lbfgs(Lbfgs.Settings.defaults().withGradientTolerance(1e-8).withRelativeTolerance(0));
        Lbfgs.Result r2 = lbfgs.minimize(ROSENBROCK, new double[]{-1.2, 1});
        assertEquals(Lbfgs.Status.GRADIENT_CONVERGED, r2.status());
        assertEquals(1, r2.x()[0], 1e-6);
        assertEquals(1, r2.x()[1], 1e-6);
        // SciPy's L-BFGS-B needs 38 iterations here; a working quasi-Newton method is far below 100.
        assertTrue(r2.iterations() < 100, r2.iterations() + " iterations");

        double[] start = new double[20];
        for (int i = 0; i < start.length; i++) {
            start[i] = i % 2 == 0 ? -1.2 : 1;
        }
        Lbfgs.Result r20 = lbfgs.minimize(ROSENBROCK, start);
        assertEquals(Lbfgs.Status.GRADIENT_CONVERGED, r20.status());
        for (double v : r20.x()) {
            assertEquals(1, v, 1e-6);
        }
    }

    @Test
    void everyIterationDecreasesTheFunction() {
        double[] last = {Double.POSITIVE_INFINITY};
        int[] calls = {0};
        new Lbfgs().minimize(ROSENBROCK, new double[]{-1.2, 1, -1.2, 1}, (it, f, g) -> {
            assertTrue(f < last[0], "iteration " + it + " went up: " + f + " after " + last[0]);
            assertEquals(++calls[0], it);
            last[0] = f;
        });
        assertTrue(calls[0] > 5);
    }

    @Test
    void stopsAtTheIterationLimit() {
        Lbfgs.Result r = new Lbfgs(Lbfgs.Settings.defaults().withMaxIterations(3)).minimize(ROSENBROCK, new double[]{-1.2, 1});
        assertEquals(Lbfgs.Status.MAX_ITERATIONS, r.status());
        assertEquals(3, r.iterations());
        assertTrue(r.evaluations() >= 4);
    }

    @Test
    void stopsOnTheRelativeDecrease() {
        Lbfgs.Result r = new Lbfgs(Lbfgs.Settings.defaults().withGradientTolerance(0).withRelativeTolerance(1e-3))
                .minimize(ROSENBROCK, new double[]{-1.2, 1});
        assertEquals(Lbfgs.Status.VALUE_CONVERGED, r.status());
    }

    @Test
    void refusesANonFiniteStart() {
        DifferentiableFunction log = (x, g) -> {
            g[0] = -1 / x[0];
            return -Math.log(x[0]);
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Lbfgs().minimize(log, new double[]{-1}));
        assertTrue(e.getMessage().contains("not finite"), e.getMessage());
    }

    @Test
    void lineSearchStepsSatisfyTheStrongWolfeConditions() {
        StrongWolfeLineSearch ls = new StrongWolfeLineSearch(1e-4, 0.9, 40);
        double[] x = {-1.2, 1};
        double[] g = new double[2];
        double f0 = ROSENBROCK.evaluate(x, g);
        double[] d = {-g[0], -g[1]};
        double slope0 = g[0] * d[0] + g[1] * d[1];
        // From a tiny step (must expand) and from a huge one (must shrink).
        for (double alpha0 : new double[]{1e-8, 1.0, 1e3}) {
            StrongWolfeLineSearch.Outcome o = ls.search(ROSENBROCK, x, f0, g, d, alpha0);
            assertTrue(o.wolfe(), "no Wolfe step from alpha0=" + alpha0);
            StrongWolfeLineSearch.Trial t = o.trial();
            assertTrue(t.value() <= f0 + 1e-4 * t.alpha() * slope0, "sufficient decrease from " + alpha0);
            assertTrue(Math.abs(t.slope()) <= 0.9 * Math.abs(slope0), "curvature from " + alpha0);
        }
    }

    @Test
    void cubicInterpolationIsExactOnACubic() {
        // phi(a) = a^3 - 3a: phi(0) = 0, phi'(0) = -3, phi(2) = 2, phi'(2) = 9, local minimum at a = 1.
        StrongWolfeLineSearch.Trial a = new StrongWolfeLineSearch.Trial(0, 0, -3, null, null);
        StrongWolfeLineSearch.Trial b = new StrongWolfeLineSearch.Trial(2, 2, 9, null, null);
        assertEquals(1.0, StrongWolfeLineSearch.cubicMinimizer(a, b), 1e-12);
        assertEquals(1.0, StrongWolfeLineSearch.cubicMinimizer(b, a), 1e-12);
    }
}
