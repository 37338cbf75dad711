package io.clip4j.optim;

/**
 * A line search for a step {@code alpha} along a descent direction {@code d} that satisfies the strong
 * Wolfe conditions:
 * <pre>
 *   f(x + alpha d) &lt;= f(x) + c1 alpha g(x)'d          (sufficient decrease)
 *   |g(x + alpha d)'d| &lt;= c2 |g(x)'d|                   (curvature)
 * </pre>
 * It brackets an acceptable step by expanding the trial step, then narrows the bracket with safeguarded
 * cubic interpolation (Nocedal and Wright, Numerical Optimization, algorithms 3.5 and 3.6). The curvature
 * condition is what keeps the BFGS update positive definite ({@code s'y > 0}).
 */
final class StrongWolfeLineSearch {

    /** How much the trial step grows while no bracket has been found. */
    private static final double EXPAND = 4.0;
    /** Interpolated steps closer than this fraction of the bracket to its ends are replaced by bisection. */
    private static final double SAFEGUARD = 0.1;

    private final double c1;
    private final double c2;
    private final int maxEvaluations;

    StrongWolfeLineSearch(double c1, double c2, int maxEvaluations) {
        if (!(0 < c1 && c1 < c2 && c2 < 1)) {
            throw new IllegalArgumentException("need 0 < c1 < c2 < 1, got c1=" + c1 + ", c2=" + c2);
        }
        if (maxEvaluations < 1) {
            throw new IllegalArgumentException("maxEvaluations must be positive, got " + maxEvaluations);
        }
        this.c1 = c1;
        this.c2 = c2;
        this.maxEvaluations = maxEvaluations;
    }

    /**
     * One evaluated trial step.
     *
     * @param alpha      the step length
     * @param value      {@code f(x + alpha d)}
     * @param slope      {@code g(x + alpha d)'d}
     * @param point      {@code x + alpha d}
     * @param gradient   {@code g(x + alpha d)}
     */
    record Trial(double alpha, double value, double slope, double[] point, double[] gradient) {
    }

    /**
     * The outcome of a search.
     *
     * @param trial       the accepted step, or the best step with sufficient decrease when {@code wolfe} is
     *                    false; {@code null} when no step decreased the function
     * @param evaluations function evaluations used
     * @param wolfe       whether both strong Wolfe conditions hold at {@code trial}
     */
    record Outcome(Trial trial, int evaluations, boolean wolfe) {
    }

    /**
     * Searches along {@code d} from {@code x}, where {@code f0 = f(x)} and {@code g0 = g(x)};
     * {@code g0'd} must be negative. {@code x} and {@code g0} are not modified.
     */
    Outcome search(DifferentiableFunction f, double[] x, double f0, double[] g0, double[] d, double alpha0) {
        double slope0 = dot(g0, d);
        if (!(slope0 < 0)) {
            throw new IllegalArgumentException("not a descent direction: g'd = " + slope0);
        }
        Trial start = new Trial(0, f0, slope0, x, g0);
        Trial prev = start;
        double alpha = alpha0;
        int evals = 0;
        while (evals < maxEvaluations) {
            Trial t = evaluate(f, x, d, alpha);
            evals++;
            if (!sufficientDecrease(t, f0, slope0) || (prev != start && t.value >= prev.value)) {
                return zoom(f, x, d, f0, slope0, prev, t, evals);
            }
            if (Math.abs(t.slope) <= -c2 * slope0) {
                return new Outcome(t, evals, true);
            }
            if (t.slope >= 0) {
                return zoom(f, x, d, f0, slope0, t, prev, evals);
            }
            prev = t;
            alpha *= EXPAND;
        }
        // Still descending steeply after every expansion: take the last (best) point.
        return new Outcome(prev == start ? null : prev, evals, false);
    }

    /**
     * Narrows {@code [lo, hi]} (in step length; either order), which contains a step satisfying the strong
     * Wolfe conditions: {@code lo} has sufficient decrease and the lowest value so far, and its slope
     * points towards {@code hi}.
     */
    private Outcome zoom(DifferentiableFunction f, double[] x, double[] d, double f0, double slope0,
                         Trial lo, Trial hi, int evals) {
        while (evals < maxEvaluations) {
            double left = Math.min(lo.alpha, hi.alpha);
            double right = Math.max(lo.alpha, hi.alpha);
            double width = right - left;
            if (width <= 1e-15 * Math.max(1.0, right)) {
                break;
            }
            double alpha = cubicMinimizer(lo, hi);
            if (!(alpha >= left + SAFEGUARD * width && alpha <= right - SAFEGUARD * width)) {
                alpha = 0.5 * (lo.alpha + hi.alpha);
            }
            Trial t = evaluate(f, x, d, alpha);
            evals++;
            if (!sufficientDecrease(t, f0, slope0) || t.value >= lo.value) {
                hi = t;
            } else {
                if (Math.abs(t.slope) <= -c2 * slope0) {
                    return new Outcome(t, evals, true);
                }
                if (t.slope * (hi.alpha - lo.alpha) >= 0) {
                    hi = lo;
                }
                lo = t;
            }
        }
        return new Outcome(lo.alpha > 0 ? lo : null, evals, false);
    }

    private boolean sufficientDecrease(Trial t, double f0, double slope0) {
        return Double.isFinite(t.value) && t.value <= f0 + c1 * t.alpha * slope0;
    }

    private static Trial evaluate(DifferentiableFunction f, double[] x, double[] d, double alpha) {
        double[] p = new double[x.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = x[i] + alpha * d[i];
        }
        double[] g = new double[x.length];
        double v = f.evaluate(p, g);
        double slope = dot(g, d);
        return new Trial(alpha, v, Double.isFinite(slope) ? slope : Double.NaN, p, g);
    }

    /**
     * The minimiser of the cubic that matches value and slope at both trial steps, or NaN when it does
     * not exist (the caller then bisects).
     */
    static double cubicMinimizer(Trial a, Trial b) {
        double d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.alpha - b.alpha);
        double disc = d1 * d1 - a.slope * b.slope;
        if (!(disc >= 0) || !Double.isFinite(disc)) {
            return Double.NaN;
        }
        double d2 = Math.signum(b.alpha - a.alpha) * Math.sqrt(disc);
        double denom = b.slope - a.slope + 2 * d2;
        if (denom == 0) {
            return Double.NaN;
        }
        return b.alpha - (b.alpha - a.alpha) * (b.slope + d2 - d1) / denom;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
