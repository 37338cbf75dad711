package io.clip4j.weights;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint split over several files, described by a Hugging Face index such as
 * {@code model.safetensors.index.json}: {@code {"metadata": {...}, "weight_map": {tensor: shard file}}}.
 *
 * <p>Every shard is opened (safetensors shards with {@link SafeTensorsFile}, {@code pytorch_model-*.bin}
 * shards with {@link TorchZipFile}) and every listed tensor is checked to be present in its shard. Only
 * the tensors the index lists are exposed, in index order. Shards must lie in the index's directory
 * (or below it). {@link #close()} closes all shards.
 */
public final class ShardedWeights implements WeightFile {

    /** Real indexes are well under a megabyte even for the largest models. */
    static final long MAX_INDEX_BYTES = 64L << 20;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private final Path path;
    private final List<WeightFile> shards;
    private final Map<String, WeightFile> owner;
    private final List<TensorInfo> infos;
    private final Map<String, String> metadata;

    private ShardedWeights(Path path, List<WeightFile> shards, Map<String, WeightFile> owner, List<TensorInfo> infos,
                           Map<String, String> metadata) {
        this.path = path;
        this.shards = shards;
        this.owner = owner;
        this.infos = infos;
        this.metadata = metadata;
    }

    /**
     * Opens the index {@code indexPath} and all the shards it names.
     *
     * <p>{@link #metadata()} holds the index's {@code metadata} object (such as {@code total_size}) as
     * strings.
     *
     * @throws ModelFormatException if the index is malformed, names a missing or unreadable shard, or lists
     *                              a tensor its shard does not contain (the message names the files)
     */
    public static ShardedWeights open(Path indexPath) {
        String name = String.valueOf(indexPath.getFileName());
        JsonNode root = readIndex(indexPath, name);
        JsonNode weightMap = root.get("weight_map");
        if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
            throw new ModelFormatException(name + ": a shard index needs a non-empty \"weight_map\" object "
                    + "(tensor name to shard file)");
        }
        Map<String, String> shardOf = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(name + ": weight_map entry '" + e.getKey() + "' should name a shard file");
            }
            shardOf.put(e.getKey(), e.getValue().asText());
        }
        Path dir = indexPath.toAbsolutePath().normalize().getParent();
        Map<String, WeightFile> opened = new LinkedHashMap<>();
        try {
            for (String shard : shardOf.values()) {
                if (!opened.containsKey(shard)) {
                    opened.put(shard, openShard(name, dir, shard));
                }
            }
            Map<String, WeightFile> owner = new LinkedHashMap<>();
            List<TensorInfo> infos = new ArrayList<>();
            for (Map.Entry<String, String> e : shardOf.entrySet()) {
                WeightFile shard = opened.get(e.getValue());
                TensorInfo info = shard.info(e.getKey());
                if (info == null) {
                    throw new ModelFormatException(name + ": tensor '" + e.getKey() + "' is listed in shard '"
                            + e.getValue() + "', but that shard does not contain it");
                }
                owner.put(e.getKey(), shard);
                infos.add(info);
            }
            return new ShardedWeights(indexPath, List.copyOf(opened.values()), Collections.unmodifiableMap(owner),
                    List.copyOf(infos), metadataOf(root));
        } catch (RuntimeException | Error e) {
            closeAll(opened.values(), e);
            throw e;
        }
    }

    private static JsonNode readIndex(Path indexPath, String name) {
        try {
            if (Files.size(indexPath) > MAX_INDEX_BYTES) {
                throw new ModelFormatException(name + ": shard index larger than " + MAX_INDEX_BYTES + " bytes");
            }
            JsonNode root = JSON.readTree(Files.readAllBytes(indexPath));
            if (root == null || !root.isObject()) {
                throw new ModelFormatException(name + ": a shard index must be a JSON object");
            }
            return root;
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(indexPath + ": no such file");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ModelFormatException(name + ": not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(indexPath + ": " + e.getMessage(), e);
        }
    }

    private static WeightFile openShard(String indexName, Path dir, String shard) {
        Path file;
        try {
            file = shard.isEmpty() || Path.of(shard).isAbsolute() ? null : dir.resolve(shard).normalize();
        } catch (InvalidPathException e) {
            file = null;
        }
        // An index is data from the download; it must not point the loader at arbitrary files.
        if (file == null || !file.startsWith(dir) || file.equals(dir)) {
            throw new ModelFormatException(indexName + ": shard '" + shard + "' is not a file inside " + dir);
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(indexName + ": shard '" + shard + "' does not exist (looked for " + file + ")");
        }
        if (file.getFileName().toString().endsWith(".index.json")) {
            throw new ModelFormatException(indexName + ": shard '" + shard + "' is itself an index");
        }
        return shard.endsWith(".safetensors") ? SafeTensorsFile.open(file) : WeightFiles.open(file);
    }

    private static Map<String, String> metadataOf(JsonNode root) {
        Map<String, String> m = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            for (Map.Entry<String, JsonNode> e : meta.properties()) {
                m.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private static void closeAll(Iterable<WeightFile> files, Throwable primary) {
        for (WeightFile f : files) {
            try {
                f.close();
            } catch (RuntimeException e) {
                primary.addSuppressed(e);
            }
        }
    }

    /** The opened shard files, in the order the index first names them. */
    public List<Path> shardPaths() {
        return shards.stream().map(WeightFile::path).toList();
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public List<TensorInfo> tensors() {
        return infos;
    }

    @Override
    public TensorInfo info(String name) {
        WeightFile f = owner.get(name);
        return f == null ? null : f.info(name);
    }

    @Override
    public MemorySegment bytes(String name) {
        WeightFile f = owner.get(name);
        if (f == null) {
            require(name);
        }
        return f.bytes(name);
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (WeightFile f : shards) {
            try {
                f.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "ShardedWeights[" + path + ", " + shards.size() + " shards, " + infos.size() + " tensors]";
    }
}
