package io.clip4j.nn;

import io.clip4j.tensor.Activation;
import io.clip4j.tensor.Ops;

/** The transformer MLP: {@code c_proj(act(c_fc(x)))} (HF: {@code fc2(act(fc1(x)))}). */
public final class Mlp {

    private final Linear fc;
    private final Linear proj;
    private final Activation act;

    public Mlp(Linear fc, Linear proj, Activation act) {
        this.fc = fc;
        this.proj = proj;
        this.act = act;
    }

    public float[] forward(Ops ops, float[] x, int rows) {
        return proj.forward(ops, fc.forward(ops, x, rows, act), rows);
    }

    /**
     * {@code out = [out +] proj(act(fc(x)))} with the hidden layer from {@code ws}; the activation is
     * fused into the first product, the residual (with {@code accumulate}) into the second.
     */
    public void forwardInto(Ops ops, float[] x, int rows, Workspace ws, float[] out, boolean accumulate) {
        float[] hidden = ws.get(Workspace.Slot.HIDDEN, rows * fc.out());
        fc.forwardInto(ops, x, rows, act, hidden, false);
        proj.forwardInto(ops, hidden, rows, null, out, accumulate);
    }

    public Linear fc() {
        return fc;
    }

    public Linear proj() {
        return proj;
    }

    public Activation activation() {
        return act;
    }
}
