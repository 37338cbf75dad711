package io.clip4j.optim;

/** A smooth real function of many variables that can report its gradient, as optimisers need it. */
@FunctionalInterface
public interface DifferentiableFunction {

    /**
     * Evaluates the function at {@code x}.
     *
     * @param x        the point (must not be modified)
     * @param gradient receives the gradient at {@code x}; same length as {@code x}
     * @return the value at {@code x}
     */
    double evaluate(double[] x, double[] gradient);
}
