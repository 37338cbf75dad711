package io.clip4j.train.autograd;

import io.clip4j.tensor.Activation;
import io.clip4j.tensor.Kernels;

/** The MLP activations (QuickGELU, exact GELU, tanh GELU, ReLU) with their derivatives. */
public final class Activations {

    private static final int GRAIN = 1 << 14;

    private Activations() {
    }

    /** {@code act(x)} element-wise. */
    public static Variable apply(Tape tape, Variable x, Activation act) {
        float[] xd = x.data();
        float[] y = xd.clone();
        Kernels k = tape.backend().kernels();
        Chunks.forEach(y.length, GRAIN, (from, to) -> k.activate(act, y, from, to - from));
        Variable out = tape.output(y, x.shape(), x);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                TrainKernels d = tape.backend().train();
                // in place: the output's gradient is not needed after this step
                Chunks.forEach(g.length, GRAIN, (from, to) -> d.activationBackward(act, xd, g, g, from, to - from));
                x.addGrad(g);
            });
        }
        return out;
    }
}
