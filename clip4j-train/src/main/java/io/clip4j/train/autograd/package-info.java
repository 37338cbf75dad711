/**
 * Reverse-mode automatic differentiation. Operations ({@link io.clip4j.train.autograd.Linears},
 * {@link io.clip4j.train.autograd.Attention}, {@link io.clip4j.train.autograd.Norms}, ...) compute their result
 * eagerly and, under a recording {@link io.clip4j.train.autograd.Tape}, append a backward step that keeps only
 * what it needs; {@link io.clip4j.train.autograd.Tape#backward} runs the steps in reverse. Matrix products go
 * through the core's blocked GEMM ({@link io.clip4j.train.autograd.Matmul}); the
 * {@linkplain io.clip4j.train.autograd.Backend#precise() precise backend} accumulates in double for comparisons
 * with float64 references. Every operation is checked against finite differences in the tests.
 */
package io.clip4j.train.autograd;
