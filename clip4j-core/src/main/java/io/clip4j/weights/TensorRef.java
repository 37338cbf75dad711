package io.clip4j.weights;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a strided view of a storage.
 * Offset and strides count elements of {@code dtype}. Created only after the view was checked to lie
 * inside the storage.
 */
record TensorRef(StorageRef storage, DType dtype, long offset, long[] shape, long[] stride) {

    long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Whether the elements are laid out densely in row-major order, so the view is a plain slice. */
    boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 0) {
                return true;
            }
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }
}
