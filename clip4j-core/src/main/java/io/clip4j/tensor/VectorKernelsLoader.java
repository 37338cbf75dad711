package io.clip4j.tensor;

/**
 * Loads {@link VectorKernels} reflectively so that no class referencing {@code jdk.incubator.vector}
 * is linked unless the module is present.
 */
final class VectorKernelsLoader {

    private VectorKernelsLoader() {
    }

    static Kernels load() {
        try {
            Class<?> c = Class.forName("io.clip4j.tensor.VectorKernels");
            return (Kernels) c.getMethod("create").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load vector kernels", e);
        }
    }
}
