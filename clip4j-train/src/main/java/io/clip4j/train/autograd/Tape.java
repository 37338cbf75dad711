package io.clip4j.train.autograd;

import java.util.ArrayList;
import java.util.List;

/**
 * Reverse-mode automatic differentiation: operations executed under a recording tape append a
 * backward step; {@link #backward} runs them in reverse order, each reading its output's gradient
 * and adding to its inputs' gradients. Each step keeps only what its backward needs, and both the step
 * and its output's gradient are released as soon as it has run.
 *
 * <p>A tape made by {@link #noGrad()} records nothing ({@code torch.no_grad()}): the same model code
 * then runs as plain inference. A tape is used by one thread; operations parallelise internally.
 */
public final class Tape {

    private record Step(Variable output, Runnable backward) {
    }

    private final boolean enabled;
    private final Backend backend;
    private final List<Step> steps = new ArrayList<>();

    private Tape(boolean enabled, Backend backend) {
        this.enabled = enabled;
        this.backend = backend;
    }

    /** A tape that records operations on variables that require gradients. */
    public static Tape create() {
        return new Tape(true, Backend.fast());
    }

    /** A recording tape whose operations run on {@code backend}. */
    public static Tape create(Backend backend) {
        return new Tape(true, backend);
    }

    /** A tape that records nothing. */
    public static Tape noGrad() {
        return new Tape(false, Backend.fast());
    }

    /** A tape that records nothing, on {@code backend}. */
    public static Tape noGrad(Backend backend) {
        return new Tape(false, backend);
    }

    /** The kernels this tape's operations use. */
    public Backend backend() {
        return backend;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Whether an operation on these inputs must be recorded (its output then requires a gradient). */
    public boolean tracks(Variable... inputs) {
        if (!enabled) {
            return false;
        }
        for (Variable v : inputs) {
            if (v != null && v.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Appends the backward step of an operation that produced {@code output}. */
    public void record(Variable output, Runnable backward) {
        if (!enabled) {
            throw new IllegalStateException("recording on a no-grad tape");
        }
        steps.add(new Step(output, backward));
    }

    /**
     * A new output variable of an operation; it requires a gradient when this tape tracks any of the
     * inputs (then the operation must {@link #record} its backward step).
     */
    public Variable output(float[] data, int[] shape, Variable... inputs) {
        return new Variable(data, shape, tracks(inputs));
    }

    /** Number of recorded steps (for tests and memory diagnostics). */
    public int size() {
        return steps.size();
    }

    /** Back-propagates from a scalar {@code loss} (seeded with gradient 1) and clears the tape. */
    public void backward(Variable loss) {
        if (loss.size() != 1) {
            throw new IllegalArgumentException("backward() needs a scalar loss, got " + loss);
        }
        backward(loss, new float[] {1f});
    }

    /** Back-propagates from {@code output} seeded with {@code gradient} and clears the tape. */
    public void backward(Variable output, float[] gradient) {
        if (!output.requiresGrad()) {
            throw new IllegalArgumentException("the output does not depend on anything that requires a gradient");
        }
        output.setGrad(gradient);
        for (int i = steps.size() - 1; i >= 0; i--) {
            Step s = steps.get(i);
            steps.set(i, null);
            if (s.output.grad() != null) {
                s.backward.run();
                s.output.zeroGrad();
            }
        }
        steps.clear();
    }

    /**
     * Activation recomputation ({@code torch.utils.checkpoint}): runs {@code block} on {@code input}
     * without recording, keeping only the input; the backward pass runs it again on a fresh tape and
     * back-propagates through that. {@code block} must be deterministic.
     */
    public Variable checkpoint(Variable input, BlockFunction block) {
        if (!enabled) {
            return block.apply(this, input);
        }
        Variable out = block.apply(noGrad(backend), input);
        Variable result = new Variable(out.data(), out.shape(), true);
        record(result, () -> {
            Tape inner = create(backend);
            Variable in = new Variable(input.data(), input.shape(), input.requiresGrad());
            Variable again = block.apply(inner, in);
            if (again.requiresGrad()) {
                inner.backward(again, result.grad());
            }
            if (in.grad() != null) {
                input.addGrad(in.grad());
            }
        });
        return result;
    }

    /** A block of the model that maps one variable to another, on a given tape. */
    @FunctionalInterface
    public interface BlockFunction {
        Variable apply(Tape tape, Variable input);
    }
}
