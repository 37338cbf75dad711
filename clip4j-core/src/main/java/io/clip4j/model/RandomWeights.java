package io.clip4j.model;

import io.clip4j.weights.DType;
import io.clip4j.weights.SafeTensorsWriter;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Deterministic random tensors written into a safetensors file, with the initialisations that keep
 * activations well-scaled (fan-in scaled weights, norm gains near 1, small biases). Used to build
 * checkpoints in real shapes for benchmarks and tests.
 */
public final class RandomWeights {

    private final SplittableRandom rnd;
    private final DType dtype;
    private final SafeTensorsWriter out = new SafeTensorsWriter();

    public RandomWeights(long seed, DType dtype) {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("random checkpoints are F32, F16 or BF16");
        }
        this.rnd = new SplittableRandom(seed);
        this.dtype = dtype;
    }

    /** {@code mean + std * N(0, 1)} values. */
    public void put(String name, float std, float mean, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (mean + std * gaussian());
        }
        switch (dtype) {
            case F16 -> out.putF16(name, v, shape);
            case BF16 -> {
                byte[] b = new byte[v.length * 2];
                for (int i = 0; i < v.length; i++) {
                    int bits = Float.floatToIntBits(v[i]);
                    int rounded = (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16; // round to nearest even
                    b[2 * i] = (byte) rounded;
                    b[2 * i + 1] = (byte) (rounded >>> 8);
                }
                out.putRaw(name, DType.BF16, shape, b);
            }
            default -> out.putF32(name, v, shape);
        }
    }

    private double gaussian() {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A weight scaled by {@code 1/sqrt(fan_in)} (fan-in = product of all but the first dimension). */
    public void weight(String name, long... shape) {
        long fanIn = 1;
        for (int i = 1; i < shape.length; i++) {
            fanIn *= shape[i];
        }
        put(name, (float) (1 / Math.sqrt(Math.max(1, fanIn))), 0f, shape);
    }

    /** {@code <prefix>.weight} near 1 and {@code <prefix>.bias} near 0. */
    public void layerNorm(String prefix, int width) {
        put(prefix + ".weight", 0.05f, 1f, width);
        put(prefix + ".bias", 0.05f, 0f, width);
    }

    public void bias(String name, int n) {
        put(name, 0.02f, 0f, n);
    }

    /** {@code <prefix>.weight [out, in]} and {@code <prefix>.bias [out]}. */
    public void linear(String prefix, int in, int out, boolean bias) {
        weight(prefix + ".weight", out, in);
        if (bias) {
            bias(prefix + ".bias", out);
        }
    }

    public void write(Path file) {
        out.write(file);
    }
}
