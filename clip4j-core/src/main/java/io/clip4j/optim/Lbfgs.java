package io.clip4j.optim;

import java.util.Objects;

/**
 * Limited-memory BFGS (Nocedal 1980; Liu and Nocedal 1989) for smooth unconstrained minimisation.
 *
 * <p>Each iteration computes the quasi-Newton direction with the two-loop recursion over the last
 * {@link Settings#history()} steps (initial Hessian scaled by {@code s'y / y'y}), and moves along it with a
 * line search satisfying the strong Wolfe conditions. It stops when the largest gradient component is
 * at most {@link Settings#gradientTolerance()}, when the relative decrease of the function
 * {@code (f_k - f_k+1) / max(|f_k|, |f_k+1|, 1)} is at most {@link Settings#relativeTolerance()} (the
 * criteria of SciPy's L-BFGS-B, which scikit-learn uses), after {@link Settings#maxIterations()} iterations,
 * or when the line search cannot decrease the function any more (rounding noise near a minimum).
 *
 * <p>Deterministic: the same function, start and settings give the same iterates. Instances are immutable
 * and can be shared.
 */
public final class Lbfgs {

    /**
     * @param history            corrections kept (m; 5 to 20 is typical)
     * @param maxIterations      iterations at most (0: only evaluate the start)
     * @param gradientTolerance  stop when {@code max |g_i| <= gradientTolerance}
     * @param relativeTolerance  stop when the relative decrease of one iteration is at most this
     * @param maxLineSearchEvaluations function evaluations per line search at most
     */
    public record Settings(int history, int maxIterations, double gradientTolerance, double relativeTolerance,
                           int maxLineSearchEvaluations) {

        public Settings {
            if (history < 1) {
                throw new IllegalArgumentException("history must be at least 1, got " + history);
            }
            if (maxIterations < 0) {
                throw new IllegalArgumentException("maxIterations must be >= 0, got " + maxIterations);
            }
            if (!(gradientTolerance >= 0) || !(relativeTolerance >= 0)) {
                throw new IllegalArgumentException("tolerances must be >= 0, got " + gradientTolerance + ", " + relativeTolerance);
            }
            if (maxLineSearchEvaluations < 1) {
                throw new IllegalArgumentException("maxLineSearchEvaluations must be positive, got " + maxLineSearchEvaluations);
            }
        }

        /** m = 10, 1000 iterations, gradient tolerance 1e-5, relative tolerance 1e-12, 40 evaluations per search. */
        public static Settings defaults() {
            return new Settings(10, 1000, 1e-5, 1e-12, 40);
        }

        public Settings withMaxIterations(int n) {
            return new Settings(history, n, gradientTolerance, relativeTolerance, maxLineSearchEvaluations);
        }

        public Settings withGradientTolerance(double tol) {
            return new Settings(history, maxIterations, tol, relativeTolerance, maxLineSearchEvaluations);
        }

        public Settings withRelativeTolerance(double tol) {
            return new Settings(history, maxIterations, gradientTolerance, tol, maxLineSearchEvaluations);
        }

        public Settings withHistory(int m) {
            return new Settings(m, maxIterations, gradientTolerance, relativeTolerance, maxLineSearchEvaluations);
        }
    }

    /** Why the optimisation stopped. */
    public enum Status {
        /** The largest gradient component fell to the gradient tolerance. */
        GRADIENT_CONVERGED,
        /** An iteration decreased the function by no more than the relative tolerance. */
        VALUE_CONVERGED,
        /** The iteration limit was reached first. */
        MAX_ITERATIONS,
        /** No step along the search direction decreased the function (usually: converged to rounding noise). */
        LINE_SEARCH_FAILED;

        /** Whether this counts as converged (the first two). */
        public boolean converged() {
            return this == GRADIENT_CONVERGED || this == VALUE_CONVERGED;
        }
    }

    /**
     * The result of a minimisation.
     *
     * @param x            the final point
     * @param value        the function value there
     * @param gradientNorm the largest absolute gradient component there
     * @param iterations   iterations performed (accepted steps)
     * @param evaluations  function evaluations, including the one at the start
     * @param status       why it stopped
     */
    public record Result(double[] x, double value, double gradientNorm, int iterations, int evaluations, Status status) {
    }

    /** Told about every completed iteration (e.g. for progress output). */
    @FunctionalInterface
    public interface Listener {
        void iteration(int iteration, double value, double gradientNorm);
    }

    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;

    private final Settings settings;
    private final StrongWolfeLineSearch lineSearch;

    public Lbfgs(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.lineSearch = new StrongWolfeLineSearch(C1, C2, settings.maxLineSearchEvaluations());
    }

    public Lbfgs() {
        this(Settings.defaults());
    }

    public Settings settings() {
        return settings;
    }

    /** Minimises {@code f} from {@code x0} (not modified). */
    public Result minimize(DifferentiableFunction f, double[] x0) {
        return minimize(f, x0, (i, v, g) -> { });
    }

    /**
     * Minimises {@code f} from {@code x0} (not modified), telling {@code listener} about every iteration.
     *
     * @throws IllegalArgumentException if {@code f} or its gradient is not finite at {@code x0}
     */
    public Result minimize(DifferentiableFunction f, double[] x0, Listener listener) {
        int n = x0.length;
        int m = settings.history();
        double[] x = x0.clone();
        double[] g = new double[n];
        double fx = f.evaluate(x, g);
        int evals = 1;
        if (!Double.isFinite(fx) || !allFinite(g)) {
            throw new IllegalArgumentException("the objective or its gradient is not finite at the starting point (value "
                    + fx + ")");
        }
        // Corrections s = x_k+1 - x_k and y = g_k+1 - g_k in a ring buffer; rho = 1 / s'y.
        double[][] s = new double[m][];
        double[][] y = new double[m][];
        double[] rho = new double[m];
        double[] alphaTmp = new double[m];
        int stored = 0;
        int newest = -1;
        int iter = 0;
        Status status = null;
        while (status == null) {
            double gNorm = maxAbs(g);
            if (gNorm <= settings.gradientTolerance()) {
                status = Status.GRADIENT_CONVERGED;
                break;
            }
            if (iter >= settings.maxIterations()) {
                status = Status.MAX_ITERATIONS;
                break;
            }
            double[] d = direction(g, s, y, rho, alphaTmp, stored, newest);
            double slope = StrongWolfeLineSearch.dot(g, d);
            if (!(slope < 0)) {
                // Rounding broke the quasi-Newton model: forget it and go downhill.
                stored = 0;
                d = negate(g);
            }
            // Without curvature information the direction has the gradient's scale: start with a unit-length step.
            double alpha0 = stored == 0 ? Math.min(1.0, 1.0 / norm2(g)) : 1.0;
            StrongWolfeLineSearch.Outcome ls = lineSearch.search(f, x, fx, g, d, alpha0);
            evals += ls.evaluations();
            StrongWolfeLineSearch.Trial t = ls.trial();
            if (t == null) {
                if (stored > 0) {
                    stored = 0; // retry once along the steepest descent direction
                    ls = lineSearch.search(f, x, fx, g, negate(g), Math.min(1.0, 1.0 / norm2(g)));
                    evals += ls.evaluations();
                    t = ls.trial();
                }
                if (t == null) {
                    status = Status.LINE_SEARCH_FAILED;
                    break;
                }
            }
            double[] sk = new double[n];
            double[] yk = new double[n];
            for (int i = 0; i < n; i++) {
                sk[i] = t.point()[i] - x[i];
                yk[i] = t.gradient()[i] - g[i];
            }
            double sy = StrongWolfeLineSearch.dot(sk, yk);
            double yy = StrongWolfeLineSearch.dot(yk, yk);
            // Keep only corrections with positive curvature, so that the implied Hessian stays positive definite.
            if (sy > 1e-12 * yy && yy > 0) {
                newest = (newest + 1) % m;
                s[newest] = sk;
                y[newest] = yk;
                rho[newest] = 1.0 / sy;
                stored = Math.min(stored + 1, m);
            }
            double fNew = t.value();
            double decrease = (fx - fNew) / Math.max(Math.max(Math.abs(fx), Math.abs(fNew)), 1.0);
            x = t.point();
            g = t.gradient();
            fx = fNew;
            iter++;
            listener.iteration(iter, fx, maxAbs(g));
            if (decrease <= settings.relativeTolerance()) {
                status = maxAbs(g) <= settings.gradientTolerance() ? Status.GRADIENT_CONVERGED : Status.VALUE_CONVERGED;
            }
        }
        return new Result(x, fx, maxAbs(g), iter, evals, status);
    }

    /** {@code -H g} by the two-loop recursion over the stored corrections (newest first, then oldest first). */
    private static double[] direction(double[] g, double[][] s, double[][] y, double[] rho, double[] alpha,
                                      int stored, int newest) {
        int m = s.length;
        double[] q = negate(g);
        if (stored == 0) {
            return q;
        }
        for (int k = 0; k < stored; k++) {
            int j = Math.floorMod(newest - k, m);
            alpha[j] = rho[j] * StrongWolfeLineSearch.dot(s[j], q);
            axpy(-alpha[j], y[j], q);
        }
        // Initial Hessian gamma I with gamma = s'y / y'y of the newest correction (Nocedal and Wright 7.20).
        double gamma = 1.0 / (rho[newest] * StrongWolfeLineSearch.dot(y[newest], y[newest]));
        for (int i = 0; i < q.length; i++) {
            q[i] *= gamma;
        }
        for (int k = stored - 1; k >= 0; k--) {
            int j = Math.floorMod(newest - k, m);
            double beta = rho[j] * StrongWolfeLineSearch.dot(y[j], q);
            axpy(alpha[j] - beta, s[j], q);
        }
        return q;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double[] negate(double[] g) {
        double[] d = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            d[i] = -g[i];
        }
        return d;
    }

    private static double norm2(double[] v) {
        return Math.sqrt(StrongWolfeLineSearch.dot(v, v));
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double a : v) {
            m = Math.max(m, Math.abs(a));
        }
        return m;
    }

    private static boolean allFinite(double[] v) {
        for (double a : v) {
            if (!Double.isFinite(a)) {
                return false;
            }
        }
        return true;
    }
}
