package io.clip4j.task;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The CLIP paper's parametric binary search for the regularisation strength: the candidates are
 * log-spaced values {@code C_i = 10^(minLog10 + i / stepsPerDecade)}; it scores every
 * {@code 2 * stepsPerDecade}-th candidate (for the defaults: 10^-6, 10^-4, ..., 10^6), then repeatedly
 * halves the spacing and scores the two neighbours of the best candidate so far, until neighbouring
 * candidates are one step apart. This finds the peak of a unimodal validation curve with a fraction of
 * the fits of a full sweep (15 instead of 97 for the defaults).
 */
final class RegularizationSearch {

    /** The validation score of one candidate; higher accuracy wins, then lower loss, then smaller C. */
    record Score(double accuracy, double loss) {
        boolean betterThan(Score o) {
            if (accuracy != o.accuracy) {
                return accuracy > o.accuracy;
            }
            return loss < o.loss;
        }
    }

    private final double minLog10;
    private final int steps;
    private final int stepsPerDecade;

    RegularizationSearch(double minLog10, double maxLog10, int stepsPerDecade) {
        if (!(minLog10 < maxLog10) || !Double.isFinite(minLog10) || !Double.isFinite(maxLog10)) {
            throw new IllegalArgumentException("the C range needs min < max, got 1e" + minLog10 + " .. 1e" + maxLog10);
        }
        if (stepsPerDecade < 1) {
            throw new IllegalArgumentException("steps per decade must be at least 1, got " + stepsPerDecade);
        }
        this.minLog10 = minLog10;
        this.stepsPerDecade = stepsPerDecade;
        this.steps = (int) Math.round((maxLog10 - minLog10) * stepsPerDecade);
    }

    /** Candidate {@code i}'s C. */
    double c(int i) {
        return Math.pow(10, minLog10 + (double) i / stepsPerDecade);
    }

    /** Index of the last candidate (there are {@code lastIndex() + 1}). */
    int lastIndex() {
        return steps;
    }

    /** The most fits {@link #run} can make. */
    int maxEvaluations() {
        int coarse = 2 * stepsPerDecade;
        int n = steps / coarse + 1 + (steps % coarse != 0 ? 1 : 0);
        for (int stride = coarse; stride > 1; stride /= 2) {
            n += 2;
        }
        return Math.min(n, steps + 1);
    }

    /**
     * Scores candidates with {@code score} (called once per candidate, in the order of the search) and
     * returns the index of the best.
     */
    int run(IntFunction<Score> score) {
        TreeMap<Integer, Score> done = new TreeMap<>();
        int coarse = 2 * stepsPerDecade;
        List<Integer> first = new ArrayList<>();
        for (int i = 0; i <= steps; i += coarse) {
            first.add(i);
        }
        if (first.getLast() != steps) {
            first.add(steps);
        }
        int best = -1;
        for (int i : first) {
            best = consider(i, best, done, score);
        }
        for (int stride = coarse; stride > 1; ) {
            stride /= 2;
            int center = best;
            best = consider(center - stride, best, done, score);
            best = consider(center + stride, best, done, score);
        }
        return best;
    }

    private int consider(int i, int best, TreeMap<Integer, Score> done, IntFunction<Score> score) {
        if (i < 0 || i > steps || done.containsKey(i)) {
            return best;
        }
        Score s = score.apply(i);
        done.put(i, s);
        if (best < 0 || s.betterThan(done.get(best)) || (!done.get(best).betterThan(s) && i < best)) {
            return i;
        }
        return best;
    }
}
