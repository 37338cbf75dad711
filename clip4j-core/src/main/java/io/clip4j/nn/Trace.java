package io.clip4j.nn;

/**
 * Receives named intermediate activations during a forward pass (for parity tests and debugging).
 * Names follow the reference fixtures: {@code visual.ln_pre}, {@code text.resblocks.0.after_attn}, ...
 */
@FunctionalInterface
public interface Trace {

    /** Discards everything; forward passes skip the copies. */
    Trace NONE = (name, values, shape) -> {
    };

    /** Called with a snapshot the receiver may keep. */
    void record(String name, float[] values, int... shape);

    default boolean enabled() {
        return this != NONE;
    }

    /**
     * Records a copy of the first {@code product(shape)} values if enabled ({@code values} may be a
     * longer workspace buffer).
     */
    static void emit(Trace t, String name, float[] values, int... shape) {
        if (t.enabled()) {
            long n = 1;
            for (int s : shape) {
                n *= s;
            }
            t.record(name, java.util.Arrays.copyOf(values, Math.toIntExact(n)), shape);
        }
    }
}
