package io.clip4j.train.nn;

import io.clip4j.train.autograd.Linears;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

/** A bias-free projection stored as a matrix {@code [in, out]} and applied as {@code x @ P} (OpenAI's {@code proj}, {@code text_projection}). */
public final class Projection {

    private final Variable matrix;

    public Projection(ParameterStore ps, String name, int in, int out) {
        this.matrix = ps.param(name, in, out);
    }

    public Variable forward(Tape tape, Variable x) {
        return Linears.matmul(tape, x, matrix);
    }

    public int out() {
        return matrix.dim(1);
    }
}
