package io.clip4j.train.nn;

import io.clip4j.train.autograd.Norms;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

/** {@code nn.LayerNorm(dim, eps)}: {@code <prefix>.weight}, {@code <prefix>.bias}. */
public final class LayerNorm {

    private final Variable weight;
    private final Variable bias;
    private final float eps;

    public LayerNorm(ParameterStore ps, String prefix, int dim, float eps) {
        this.weight = ps.param(prefix + ".weight", dim);
        this.bias = ps.param(prefix + ".bias", dim);
        this.eps = eps;
    }

    public Variable forward(Tape tape, Variable x) {
        return Norms.layerNorm(tape, x, weight, bias, eps);
    }
}
