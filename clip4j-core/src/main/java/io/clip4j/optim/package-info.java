/**
 * Numerical optimisation: {@link io.clip4j.optim.Lbfgs limited-memory BFGS} with a strong-Wolfe line
 * search, for smooth objectives such as the linear probe's regularised cross-entropy.
 */
package io.clip4j.optim;
