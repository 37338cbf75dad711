package io.clip4j.train.nn;

import io.clip4j.train.autograd.Variable;
import io.clip4j.weights.ModelFormatException;
import io.clip4j.weights.TensorInfo;
import io.clip4j.weights.WeightFile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The parameters and buffers of a trainable model by checkpoint key, in the order the modules declare
 * them ({@code named_parameters()} and the rest of a {@code state_dict()}). Modules ask for each tensor
 * by name and shape; the store reads it from a checkpoint (checking the shape) or, for a new model,
 * allocates zeros for an initialiser to fill.
 */
public final class ParameterStore {

    private final WeightFile source;
    private final Predicate<String> frozen;
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, float[]> buffers = new LinkedHashMap<>();
    private final Map<String, int[]> bufferShapes = new LinkedHashMap<>();

    private ParameterStore(WeightFile source, Predicate<String> frozen) {
        this.source = source;
        this.frozen = frozen == null ? name -> false : frozen;
    }

    /** Parameters read from {@code source} (which must stay open while modules are built). */
    public static ParameterStore fromCheckpoint(WeightFile source, Predicate<String> frozen) {
        return new ParameterStore(source, frozen);
    }

    /** Zero-filled parameters for a new model, to be initialised. */
    public static ParameterStore empty(Predicate<String> frozen) {
        return new ParameterStore(null, frozen);
    }

    /** Declares (or returns the already declared) trainable parameter {@code name} of the given shape. */
    public Variable param(String name, int... shape) {
        Parameter p = parameters.get(name);
        if (p != null) {
            if (!Arrays.equals(p.shape(), shape)) {
                throw new IllegalStateException(name + " declared twice with shapes " + Arrays.toString(p.shape())
                        + " and " + Arrays.toString(shape));
            }
            return p.value();
        }
        float[] data = read(name, shape);
        int[] varShape = shape.length == 0 ? new int[] {1} : shape;
        Variable v = frozen.test(name) ? Variable.constant(data, varShape) : Variable.leaf(data, varShape);
        parameters.put(name, new Parameter(name, shape, v));
        return v;
    }

    /** Declares a tensor that is saved with the model but not trained (BatchNorm running statistics). */
    public float[] buffer(String name, int... shape) {
        float[] b = buffers.get(name);
        if (b == null) {
            b = read(name, shape);
            buffers.put(name, b);
            bufferShapes.put(name, shape.clone());
        }
        return b;
    }

    private float[] read(String name, int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (source == null) {
            return new float[Math.toIntExact(n)];
        }
        TensorInfo info = source.info(name);
        if (info == null) {
            throw new ModelFormatException(source.path().getFileName() + ": missing tensor '" + name + "' (expected shape "
                    + Arrays.toString(shape) + ")");
        }
        long[] found = info.shape();
        boolean ok = found.length == shape.length;
        for (int i = 0; ok && i < found.length; i++) {
            ok = found[i] == shape[i];
        }
        if (!ok) {
            throw new ModelFormatException(source.path().getFileName() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(found) + ", expected " + Arrays.toString(shape));
        }
        if (!info.dtype().isFloatingPoint()) {
            throw new ModelFormatException(source.path().getFileName() + ": tensor '" + name + "' has dtype "
                    + info.dtype() + ", expected a floating-point type");
        }
        return source.floats(name);
    }

    /** The stored shape of {@code name} in the source checkpoint, or null (no source, or absent). */
    public long[] sourceShape(String name) {
        if (source == null) {
            return null;
        }
        TensorInfo info = source.info(name);
        return info == null ? null : info.shape();
    }

    public boolean fromCheckpoint() {
        return source != null;
    }

    /** Every parameter, in declaration order. */
    public List<Parameter> parameters() {
        return Collections.unmodifiableList(new ArrayList<>(parameters.values()));
    }

    /** The trainable parameters, in declaration order. */
    public List<Parameter> trainable() {
        return parameters.values().stream().filter(Parameter::trainable).toList();
    }

    /** The parameter called {@code name}, or null. */
    public Parameter get(String name) {
        return parameters.get(name);
    }

    /** Buffers by name (BatchNorm statistics), in declaration order. */
    public Map<String, float[]> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    public int[] bufferShape(String name) {
        return bufferShapes.get(name).clone();
    }

    /** Total number of parameter values. */
    public long count() {
        long n = 0;
        for (Parameter p : parameters.values()) {
            n += p.data().length;
        }
        return n;
    }

    /** Keys of the source checkpoint that no module declared (to report or carry over unchanged). */
    public List<String> undeclared() {
        if (source == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (TensorInfo t : source.tensors()) {
            if (!parameters.containsKey(t.name()) && !buffers.containsKey(t.name())) {
                out.add(t.name());
            }
        }
        return out;
    }

    /** Drops every gradient ({@code optimizer.zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        for (Parameter p : parameters.values()) {
            p.value().zeroGrad();
        }
    }
}
