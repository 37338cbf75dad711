package io.clip4j.train.autograd;

import java.util.Arrays;

/**
 * A float32 value in a computation graph: row-major {@code data} with a {@code shape}, and, when it
 * {@linkplain #requiresGrad() requires a gradient}, the gradient accumulated into it by
 * {@link Tape#backward}. The analogue of a PyTorch tensor with {@code requires_grad}.
 *
 * <p>Values are never modified by the operations that read them; operations return new variables.
 */
public final class Variable {

    private final float[] data;
    private final int[] shape;
    private final boolean requiresGrad;
    private float[] grad;

    Variable(float[] data, int[] shape, boolean requiresGrad) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got "
                    + data.length);
        }
        this.data = data;
        this.shape = shape.clone();
        this.requiresGrad = requiresGrad;
    }

    /** A value that needs no gradient (inputs, frozen weights). {@code data} is not copied. */
    public static Variable constant(float[] data, int... shape) {
        return new Variable(data, shape, false);
    }

    /** A leaf that collects a gradient (a trainable parameter). {@code data} is not copied. */
    public static Variable leaf(float[] data, int... shape) {
        return new Variable(data, shape, true);
    }

    /** The values (shared, not a copy). Optimisers update parameters through this array. */
    public float[] data() {
        return data;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The accumulated gradient, or null when none has reached this variable. */
    public float[] grad() {
        return grad;
    }

    /** Drops the gradient ({@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        grad = null;
    }

    /** The gradient buffer, allocated as zeros when absent (for accumulating in place). */
    public float[] gradBuffer() {
        if (grad == null) {
            grad = new float[data.length];
        }
        return grad;
    }

    /**
     * Adds {@code g} to the gradient. When there is none yet, {@code g} itself becomes the gradient
     * (ownership passes to this variable: the caller must not reuse the array).
     */
    public void addGrad(float[] g) {
        if (!requiresGrad) {
            return;
        }
        if (g.length != data.length) {
            throw new IllegalArgumentException("gradient has " + g.length + " values, variable has " + data.length);
        }
        if (grad == null) {
            grad = g;
        } else {
            Elementwise.addInto(g, grad);
        }
    }

    /** Replaces the gradient (used to seed backward passes). */
    void setGrad(float[] g) {
        grad = g;
    }

    /** The scalar value of a one-element variable. */
    public float item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() needs a single value, shape is " + Arrays.toString(shape));
        }
        return data[0];
    }

    /** The same values viewed with another shape ({@code reshape}); shares the data. */
    public Variable view(Tape tape, int... newShape) {
        Variable out = new Variable(data, newShape, tape.tracks(this));
        if (out.requiresGrad) {
            tape.record(out, () -> addGrad(out.grad));
        }
        return out;
    }

    @Override
    public String toString() {
        return "Variable" + Arrays.toString(shape) + (requiresGrad ? " (requires grad)" : "");
    }
}
