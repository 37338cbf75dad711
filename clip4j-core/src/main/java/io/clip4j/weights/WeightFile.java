package io.clip4j.weights;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A read-only collection of named tensors stored in one checkpoint (a safetensors file, a PyTorch zip,
 * a set of shards). Raw bytes are little-endian, as stored; {@link #floats} and {@link #longs} convert.
 *
 * <p>Segments returned by {@link #bytes} stay valid until {@link #close()}. Implementations are safe
 * for concurrent reads.
 */
public interface WeightFile extends AutoCloseable {

    /** The file (or index file) this was opened from; used in error messages. */
    Path path();

    /** Every tensor, in the order the file lists them. */
    List<TensorInfo> tensors();

    /** The tensor called {@code name}, or {@code null} if there is none. */
    TensorInfo info(String name);

    default boolean contains(String name) {
        return info(name) != null;
    }

    /** The raw little-endian bytes of tensor {@code name}. */
    MemorySegment bytes(String name);

    /** Free-form string metadata ({@code __metadata__} in safetensors), possibly empty. */
    Map<String, String> metadata();

    /** The tensor's values converted to float32 (from F32, F16, BF16, F64 or an integer type). */
    default float[] floats(String name) {
        TensorInfo info = require(name);
        return DTypeConversions.toFloats(info, bytes(name), path());
    }

    /** The tensor's values as longs (integer types only). */
    default long[] longs(String name) {
        TensorInfo info = require(name);
        return DTypeConversions.toLongs(info, bytes(name), path());
    }

    /** Like {@link #info} but throws a {@link ModelFormatException} naming the file when absent. */
    default TensorInfo require(String name) {
        TensorInfo info = info(name);
        if (info == null) {
            throw new ModelFormatException(path().getFileName() + ": no tensor named '" + name + "'");
        }
        return info;
    }

    @Override
    void close();
}
