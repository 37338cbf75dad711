package io.clip4j.weights;

/**
 * A storage named by a checkpoint's persistent id {@code ('storage', type, key, location, numel)}: the
 * bytes of zip entry {@code <archive>/data/<key>}. Untyped storages (newer torch) have dtype {@link DType#U8}
 * and count bytes.
 */
record StorageRef(String key, DType dtype, long numel, String location) {

    /** Bytes the storage occupies; fails for a numel that cannot be a real storage. */
    long byteSize(String file) {
        try {
            return Math.multiplyExact(numel, dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new ModelFormatException(file + ": storage '" + key + "' claims " + numel + " elements, too many");
        }
    }
}
