package io.clip4j.train.nn;

import io.clip4j.train.autograd.Convolutions;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

/** {@code nn.Conv2d} with a square kernel: {@code <prefix>.weight [out, in, k, k]}, optional bias. */
public final class Conv2d {

    private final Variable weight;
    private final Variable bias;
    private final int stride;
    private final int padding;

    public Conv2d(ParameterStore ps, String prefix, int in, int out, int kernel, int stride, int padding, boolean withBias) {
        this.weight = ps.param(prefix + ".weight", out, in, kernel, kernel);
        this.bias = withBias ? ps.param(prefix + ".bias", out) : null;
        this.stride = stride;
        this.padding = padding;
    }

    public Variable forward(Tape tape, Variable x) {
        return Convolutions.conv2d(tape, x, weight, bias, stride, padding);
    }
}
