package io.clip4j.train.nn;

import io.clip4j.train.autograd.Linears;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

/** {@code nn.Linear}: {@code <prefix>.weight [out, in]} and optionally {@code <prefix>.bias [out]}. */
public final class Linear {

    private final Variable weight;
    private final Variable bias;
    private final int in;
    private final int out;

    public Linear(ParameterStore ps, String prefix, int in, int out, boolean withBias) {
        this.weight = ps.param(prefix + ".weight", out, in);
        this.bias = withBias ? ps.param(prefix + ".bias", out) : null;
        this.in = in;
        this.out = out;
    }

    public Variable forward(Tape tape, Variable x) {
        return Linears.linear(tape, x, weight, bias);
    }

    public Variable weight() {
        return weight;
    }

    public Variable bias() {
        return bias;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }
}
