package io.clip4j.train.nn;

import io.clip4j.tensor.Activation;
import io.clip4j.train.autograd.Activations;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

/** The transformer MLP {@code proj(act(fc(x)))}: OpenAI {@code c_fc}/{@code c_proj}, HF {@code fc1}/{@code fc2}. */
public final class Mlp {

    private final Linear fc;
    private final Linear proj;
    private final Activation act;

    public Mlp(Linear fc, Linear proj, Activation act) {
        this.fc = fc;
        this.proj = proj;
        this.act = act;
    }

    public Variable forward(Tape tape, Variable x) {
        return proj.forward(tape, Activations.apply(tape, fc.forward(tape, x), act));
    }
}
