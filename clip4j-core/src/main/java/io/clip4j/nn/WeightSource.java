package io.clip4j.nn;

import io.clip4j.weights.DType;
import io.clip4j.weights.ModelFormatException;
import io.clip4j.weights.TensorInfo;
import io.clip4j.weights.WeightFile;

import io.clip4j.tensor.PackedMatrix;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A view of a checkpoint under a key prefix, so that the module tree of the code mirrors the key tree
 * of the checkpoint: {@code ws.pp("visual").pp("transformer").pp("resblocks").pp(3).get("ln_1.weight", 768)}.
 * Every read checks the stored shape and fails with the key, the shape found and the shape expected.
 */
public final class WeightSource {

    private final WeightFile file;
    private final String prefix;
    private final Set<String> used;

    private WeightSource(WeightFile file, String prefix, Set<String> used) {
        this.file = file;
        this.prefix = prefix;
        this.used = used;
    }

    /** The root of {@code file}, optionally under a prefix (e.g. {@code "module."} of a DDP checkpoint). */
    public static WeightSource of(WeightFile file, String rootPrefix) {
        return new WeightSource(file, rootPrefix == null ? "" : rootPrefix, ConcurrentHashMap.newKeySet());
    }

    public static WeightSource of(WeightFile file) {
        return of(file, "");
    }

    public WeightFile file() {
        return file;
    }

    /** The source under {@code prefix + name + "."}. */
    public WeightSource pp(String name) {
        return new WeightSource(file, prefix + name + ".", used);
    }

    public WeightSource pp(int index) {
        return pp(Integer.toString(index));
    }

    /** The full checkpoint key of {@code name}. */
    public String key(String name) {
        return prefix + name;
    }

    public boolean has(String name) {
        return file.contains(key(name));
    }

    /** The stored shape of {@code name}, or null if absent. */
    public long[] shapeOf(String name) {
        TensorInfo info = file.info(key(name));
        return info == null ? null : info.shape();
    }

    /** The stored shape of {@code name}; a clear error if absent. */
    public long[] requireShape(String name) {
        TensorInfo info = file.info(key(name));
        if (info == null) {
            throw new ModelFormatException(fileName() + ": missing tensor '" + key(name) + "'");
        }
        return info.shape();
    }

    /** Reads {@code name} as float32, checking that its shape is {@code expected}. */
    public float[] get(String name, int... expected) {
        String key = key(name);
        TensorInfo info = file.info(key);
        if (info == null) {
            throw new ModelFormatException(fileName() + ": missing tensor '" + key + "' (expected shape "
                    + Arrays.toString(expected) + ")");
        }
        checkShape(info, expected);
        if (!info.dtype().isFloatingPoint()) {
            throw new ModelFormatException(fileName() + ": tensor '" + key + "' has dtype " + info.dtype()
                    + ", expected a floating-point type");
        }
        used.add(key);
        float[] values = file.floats(key);
        releaseMapping(key);
        return values;
    }

    /**
     * Reads a matrix {@code name [rows, cols]} (checked like {@link #get}) packed for the GEMM kernels:
     * the form {@link Linear} keeps, so the row-major copy is garbage as soon as this returns.
     */
    public PackedMatrix getPacked(String name, int rows, int cols) {
        String key = key(name);
        TensorInfo info = file.info(key);
        PackedMatrix.Encoding enc = info == null ? null : encoding(info.dtype());
        if (enc == null) {
            return PackedMatrix.ofRows(get(name, rows, cols), 0, rows, cols);
        }
        checkShape(info, new int[]{rows, cols});
        used.add(key);
        // Pack straight from the stored bytes (widening half precision on the way), with no row-major
        // float32 copy to allocate and collect.
        PackedMatrix p = PackedMatrix.ofStackedRows(new MemorySegment[]{file.bytes(key)}, new int[]{rows}, cols, enc);
        releaseMapping(key);
        return p;
    }

    /** How {@link PackedMatrix} reads {@code dtype} in place, or null when it must be converted first. */
    private static PackedMatrix.Encoding encoding(DType dtype) {
        return switch (dtype) {
            case F32 -> PackedMatrix.Encoding.F32;
            case F16 -> PackedMatrix.Encoding.F16;
            case BF16 -> PackedMatrix.Encoding.BF16;
            default -> null;
        };
    }

    /**
     * Reads {@code name [rows, cols]} under each of {@code sources} (e.g. the separate query, key and value
     * projections) stacked into one {@code [sources.length * rows, cols]} matrix packed for the GEMM
     * kernels. When all are F32, F16 or BF16 alike in one file they are packed straight from the mapped
     * bytes, with no row-major copy of the whole in between.
     */
    public static PackedMatrix getStackedPacked(String name, int rows, int cols, WeightSource... sources) {
        boolean mapped = true;
        TensorInfo firstInfo = sources[0].file.info(sources[0].key(name));
        PackedMatrix.Encoding enc = firstInfo == null ? null : encoding(firstInfo.dtype());
        for (WeightSource src : sources) {
            TensorInfo info = src.file.info(src.key(name));
            mapped &= enc != null && info != null && info.dtype() == firstInfo.dtype() && src.file == sources[0].file;
        }
        if (!mapped) {
            float[] w = new float[Math.multiplyExact(sources.length * rows, cols)];
            for (int i = 0; i < sources.length; i++) {
                System.arraycopy(sources[i].get(name, rows, cols), 0, w, i * rows * cols, rows * cols);
            }
            return PackedMatrix.ofRows(w, 0, sources.length * rows, cols);
        }
        MemorySegment[] parts = new MemorySegment[sources.length];
        int[] counts = new int[sources.length];
        for (int i = 0; i < sources.length; i++) {
            WeightSource src = sources[i];
            String key = src.key(name);
            src.checkShape(src.file.info(key), new int[]{rows, cols});
            src.used.add(key);
            parts[i] = src.file.bytes(key);
            counts[i] = rows;
        }
        PackedMatrix p = PackedMatrix.ofStackedRows(parts, counts, cols, enc);
        for (WeightSource src : sources) {
            src.releaseMapping(src.key(name));
        }
        return p;
    }

    /**
     * Once a tensor has been converted to a Java array, the pages of the mapped file it came from are
     * handed back to the page cache: they would otherwise count a second time in the process's resident
     * memory for as long as the file stays open (towers are built lazily, so it stays open).
     */
    private void releaseMapping(String key) {
        MemorySegment bytes = file.bytes(key);
        if (bytes.isMapped() && bytes.byteSize() >= RELEASE_MIN_BYTES) {
            bytes.unload();
        }
    }

    /** Smaller tensors share pages with their neighbours; releasing them saves nothing. */
    private static final long RELEASE_MIN_BYTES = 1L << 16;

    /** The prefix this source reads under ({@code ""} at the root). */
    public String prefix() {
        return prefix;
    }

    /**
     * Keys under this source's prefix that no {@link #get} has read, except those in {@code ignored}
     * suffixes: a non-empty answer after building a module means the config and checkpoint disagree.
     */
    public List<String> unusedKeys(Set<String> ignoredSuffixes) {
        return file.tensors().stream().map(t -> t.name())
                .filter(k -> k.startsWith(prefix) && !used.contains(k))
                .filter(k -> ignoredSuffixes.stream().noneMatch(k::endsWith))
                .toList();
    }

    /** Like {@link #get} but null when the tensor is absent. */
    public float[] getOptional(String name, int... expected) {
        return has(name) ? get(name, expected) : null;
    }

    private void checkShape(TensorInfo info, int[] expected) {
        long[] found = info.shape();
        boolean ok = found.length == expected.length;
        for (int i = 0; ok && i < found.length; i++) {
            ok = found[i] == expected[i];
        }
        if (!ok) {
            throw new ModelFormatException(fileName() + ": tensor '" + info.name() + "' has shape "
                    + Arrays.toString(found) + ", expected " + Arrays.toString(expected));
        }
    }

    private String fileName() {
        return String.valueOf(file.path().getFileName());
    }
}
