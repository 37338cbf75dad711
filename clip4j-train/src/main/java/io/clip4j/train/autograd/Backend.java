package io.clip4j.train.autograd;

import io.clip4j.tensor.Kernels;

/**
 * The kernels a tape's operations run on: the core's fastest ({@link #fast()}), or kernels that
 * accumulate in double precision ({@link #precise()}) for comparisons with float64 references.
 */
public record Backend(Kernels kernels, TrainKernels train) {

    private static final Backend FAST = new Backend(Kernels.get(), TrainKernels.get());

    /** The core's kernels ({@link Kernels#get()}): what training uses. */
    public static Backend fast() {
        return FAST;
    }

    /** Double-precision accumulation everywhere, float32 storage; several times slower. */
    public static Backend precise() {
        return PreciseHolder.PRECISE;
    }

    private static final class PreciseHolder {
        static final Backend PRECISE = new Backend(PreciseKernels.INSTANCE, TrainKernels.scalar());
    }
}
