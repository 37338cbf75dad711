package io.clip4j.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory-mapped <a href="https://github.com/huggingface/safetensors">safetensors</a> file.
 *
 * <p>Layout: an 8-byte little-endian header length N, N bytes of JSON, then the raw data. The header is
 * validated against the file size before anything else is read: every tensor's byte range must lie
 * inside the data section and match its dtype and shape.
 */
public final class SafeTensorsFile implements WeightFile {

    /** Headers larger than this are refused outright (real ones are a few MB at most). */
    static final long MAX_HEADER_BYTES = 256L << 20;

    // Like the reference (Rust) reader, refuse duplicate names and anything after the JSON object but
    // padding: either would let two tools read different tensors out of the same file.
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_HEADER_BYTES > Integer.MAX_VALUE
                    ? Integer.MAX_VALUE : (int) MAX_HEADER_BYTES).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, TensorInfo> infos;
    private final Map<String, long[]> ranges;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, Arena arena, MemorySegment data, Map<String, TensorInfo> infos,
                            Map<String, long[]> ranges, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.infos = infos;
        this.ranges = ranges;
        this.metadata = metadata;
    }

    /**
     * Opens and maps {@code path}.
     *
     * @throws ModelFormatException if the file is not a well-formed safetensors file (the message names it)
     * @throws java.io.UncheckedIOException if it cannot be read
     */
    public static SafeTensorsFile open(Path path) {
        String name = path.getFileName().toString();
        long fileSize;
        try {
            fileSize = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(path + ": no such file");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(path + ": " + e.getMessage(), e);
        }
        if (fileSize < 8) {
            throw new ModelFormatException(name + ": not a safetensors file (" + fileSize + " bytes, shorter than the 8-byte header length)");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment whole = ch.map(FileChannel.MapMode.READ_ONLY, 0, fileSize, arena);
            long headerLen = whole.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLen < 2 || headerLen > fileSize - 8 || headerLen > MAX_HEADER_BYTES) {
                throw new ModelFormatException(name + ": corrupt safetensors header: declared header length "
                        + Long.toUnsignedString(headerLen) + " bytes, but the file has " + fileSize + " bytes"
                        + (headerLen > MAX_HEADER_BYTES && headerLen <= fileSize - 8 ? " (limit " + MAX_HEADER_BYTES + ")" : "")
                        + " — the file is truncated or not a safetensors file");
            }
            byte[] headerBytes = whole.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment dataSeg = whole.asSlice(8 + headerLen);
            SafeTensorsFile f = parseHeader(path, arena, dataSeg, new String(headerBytes, StandardCharsets.UTF_8));
            return f;
        } catch (IOException e) {
            arena.close();
            throw new java.io.UncheckedIOException(path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static SafeTensorsFile parseHeader(Path path, Arena arena, MemorySegment dataSeg, String header) {
        String name = path.getFileName().toString();
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (IOException e) {
            throw new ModelFormatException(name + ": corrupt safetensors header: not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(name + ": corrupt safetensors header: expected a JSON object");
        }
        long dataSize = dataSeg.byteSize();
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        Map<String, long[]> ranges = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("__metadata__")) {
                if (v.isObject()) {
                    for (Map.Entry<String, JsonNode> m : v.properties()) {
                        metadata.put(m.getKey(), m.getValue().isTextual() ? m.getValue().asText() : m.getValue().toString());
                    }
                }
                continue;
            }
            String where = name + ": tensor '" + key + "'";
            if (!v.isObject()) {
                throw new ModelFormatException(where + ": header entry is not an object");
            }
            JsonNode dt = v.get("dtype");
            JsonNode sh = v.get("shape");
            JsonNode off = v.get("data_offsets");
            if (dt == null || !dt.isTextual() || sh == null || !sh.isArray() || off == null || !off.isArray() || off.size() != 2) {
                throw new ModelFormatException(where + ": header entry needs dtype, shape and data_offsets [begin, end]");
            }
            DType dtype = DType.fromSafetensorsName(dt.asText());
            if (dtype == null) {
                throw new ModelFormatException(where + ": unknown dtype '" + dt.asText()
                        + "' (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
            }
            long[] shape = new long[sh.size()];
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = sh.get(i);
                if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                    throw new ModelFormatException(where + ": invalid shape " + sh);
                }
                shape[i] = d.asLong();
            }
            TensorInfo info = new TensorInfo(key, dtype, shape);
            long begin = off.get(0).isIntegralNumber() && off.get(0).canConvertToLong() ? off.get(0).asLong() : -1;
            long end = off.get(1).isIntegralNumber() && off.get(1).canConvertToLong() ? off.get(1).asLong() : -1;
            if (begin < 0 || end < begin || end > dataSize) {
                throw new ModelFormatException(where + ": data_offsets " + off + " lie outside the data section of "
                        + dataSize + " bytes — the file is truncated or corrupt");
            }
            long expected;
            try {
                expected = info.byteSize();
            } catch (ArithmeticException ex) {
                throw new ModelFormatException(where + ": shape " + sh + " is too large");
            }
            if (end - begin != expected) {
                throw new ModelFormatException(where + ": data_offsets " + off + " span " + (end - begin)
                        + " bytes, but " + dtype + info.shapeString() + " needs " + expected);
            }
            infos.put(key, info);
            ranges.put(key, new long[]{begin, end});
        }
        // Present tensors in storage order, which is how writers lay them out.
        List<String> order = new ArrayList<>(infos.keySet());
        order.sort(Comparator.comparingLong(k -> ranges.get(k)[0]));
        Map<String, TensorInfo> ordered = new LinkedHashMap<>();
        for (String k : order) {
            ordered.put(k, infos.get(k));
        }
        return new SafeTensorsFile(path, arena, dataSeg, Collections.unmodifiableMap(ordered), ranges,
                Collections.unmodifiableMap(metadata));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(infos.values());
    }

    @Override
    public TensorInfo info(String name) {
        return infos.get(name);
    }

    @Override
    public MemorySegment bytes(String name) {
        long[] r = ranges.get(name);
        if (r == null) {
            require(name);
        }
        return data.asSlice(r[0], r[1] - r[0]);
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "SafeTensorsFile[" + path + ", " + infos.size() + " tensors]";
    }
}
