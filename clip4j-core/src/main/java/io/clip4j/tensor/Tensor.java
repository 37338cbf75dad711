package io.clip4j.tensor;

import java.util.Arrays;

/**
 * A dense, contiguous, row-major float32 tensor.
 *
 * <p>Deliberately minimal: the models work on the backing array with explicit offsets, and the heavy
 * lifting happens in {@link Kernels}. {@link #reshape} shares the array; everything else copies.
 */
public final class Tensor {

    private final float[] data;
    private final int[] shape;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** Wraps {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + data.length);
        }
        return new Tensor(data, shape.clone());
    }

    public static Tensor zeros(int... shape) {
        long n = numel(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is too large");
        }
        return new Tensor(new float[(int) n], shape.clone());
    }

    static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    /** The backing array (shared, not a copy). */
    public float[] data() {
        return data;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int size() {
        return data.length;
    }

    /** A view with another shape over the same values. */
    public Tensor reshape(int... newShape) {
        return of(data, newShape);
    }

    /** Row {@code i} of a rank-2 tensor, copied. */
    public float[] row(int i) {
        if (shape.length != 2) {
            throw new IllegalStateException("row() needs a rank-2 tensor, shape is " + Arrays.toString(shape));
        }
        int w = shape[1];
        return Arrays.copyOfRange(data, i * w, (i + 1) * w);
    }

    /** Splits a rank-2 tensor into its rows. */
    public float[][] rows() {
        float[][] out = new float[shape[0]][];
        for (int i = 0; i < out.length; i++) {
            out[i] = row(i);
        }
        return out;
    }

    /** Stacks equal-length rows into a rank-2 tensor. */
    public static Tensor stack(float[][] rows) {
        if (rows.length == 0) {
            return zeros(0, 0);
        }
        int w = rows[0].length;
        float[] out = new float[rows.length * w];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != w) {
                throw new IllegalArgumentException("rows have different lengths: " + w + " and " + rows[i].length);
            }
            System.arraycopy(rows[i], 0, out, i * w, w);
        }
        return of(out, rows.length, w);
    }

    public float get(int... idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException("index rank " + idx.length + " != tensor rank " + shape.length);
        }
        int off = 0;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " outside " + Arrays.toString(shape));
            }
            off = off * shape[i] + idx[i];
        }
        return data[off];
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
