package io.clip4j.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a safetensors file in memory and writes it atomically (temporary file, then rename).
 * Tensors keep the order in which they were added.
 */
public final class SafeTensorsWriter {

    private record Entry(String name, DType dtype, long[] shape, byte[] bytes) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public SafeTensorsWriter putF32(String name, float[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return add(name, DType.F32, shape, b.array());
    }

    public SafeTensorsWriter putF16(String name, float[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(Float.floatToFloat16(v));
        }
        return add(name, DType.F16, shape, b.array());
    }

    public SafeTensorsWriter putI64(String name, long[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return add(name, DType.I64, shape, b.array());
    }

    /** Adds raw little-endian bytes of the given dtype. */
    public SafeTensorsWriter putRaw(String name, DType dtype, long[] shape, byte[] bytes) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n * dtype.byteSize() != bytes.length) {
            throw new IllegalArgumentException(name + ": " + bytes.length + " bytes do not fit " + dtype + java.util.Arrays.toString(shape));
        }
        return add(name, dtype, shape, bytes);
    }

    private SafeTensorsWriter add(String name, DType dtype, long[] shape, byte[] bytes) {
        for (Entry e : entries) {
            if (e.name.equals(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' added twice");
            }
        }
        entries.add(new Entry(name, dtype, shape.clone(), bytes));
        return this;
    }

    private static void checkCount(String name, int count, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException(name + ": " + count + " values do not fit shape " + java.util.Arrays.toString(shape));
        }
    }

    /** The complete file as bytes. */
    public byte[] toBytes() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Entry e : entries) {
            ObjectNode t = header.putObject(e.name);
            t.put("dtype", e.dtype.name());
            ArrayNode s = t.putArray("shape");
            for (long d : e.shape) {
                s.add(d);
            }
            ArrayNode o = t.putArray("data_offsets");
            o.add(offset);
            offset += e.bytes.length;
            o.add(offset);
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(h);
        for (int i = h.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Entry e : entries) {
            out.put(e.bytes);
        }
        return out.array();
    }

    /** Writes the file atomically. */
    public void write(Path path) {
        try {
            Path abs = path.toAbsolutePath();
            Path dir = abs.getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            try (OutputStream os = Files.newOutputStream(tmp)) {
                os.write(toBytes());
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write: " + e.getMessage(), e);
        }
    }
}
