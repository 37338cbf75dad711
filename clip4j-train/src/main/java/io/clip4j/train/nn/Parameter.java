package io.clip4j.train.nn;

import io.clip4j.train.autograd.Variable;

import java.util.Arrays;

/**
 * A named tensor of a model: its checkpoint key ({@code visual.transformer.resblocks.0.attn.in_proj_weight}),
 * its shape as stored (0-dim scalars included) and its value. Frozen parameters are constants for autograd.
 */
public final class Parameter {

    private final String name;
    private final int[] shape;
    private final Variable value;

    Parameter(String name, int[] shape, Variable value) {
        this.name = name;
        this.shape = shape.clone();
        this.value = value;
    }

    /** The checkpoint key. */
    public String name() {
        return name;
    }

    /** The stored shape ({@code []} for a 0-dim scalar). */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public Variable value() {
        return value;
    }

    public float[] data() {
        return value.data();
    }

    public boolean trainable() {
        return value.requiresGrad();
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (trainable() ? "" : " (frozen)");
    }
}
