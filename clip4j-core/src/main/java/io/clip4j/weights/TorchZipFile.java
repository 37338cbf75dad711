package io.clip4j.weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PyTorch checkpoint in the zip format {@code torch.save} writes since torch 1.6 ({@code .pt},
 * {@code .pth}, {@code .bin}), or a TorchScript archive written by {@code torch.jit.save} (such as the
 * OpenAI CLIP releases {@code ViT-B-32.pt}, {@code RN50.pt}), read without running any Python code.
 *
 * <p>The archive holds {@code <folder>/data.pkl} (a pickle describing the state dict), one entry
 * {@code <folder>/data/<key>} per storage, and small {@code version} / {@code byteorder} entries. The
 * folder name varies (torch 1.13 uses the file's base name, newer versions {@code archive}), so it is
 * taken from the {@code data.pkl} entry. The pickle is evaluated by {@link RestrictedUnpickler}, which
 * refuses every global other than tensor rebuilding, storages and plain containers.
 *
 * <p>The state dict is the top-level dict, or its {@code state_dict} or {@code model} entry when that is
 * a dict holding tensors (training checkpoints). Entries whose values are not tensors are skipped.
 * Contiguous tensors of little-endian stored entries are slices of the memory-mapped file; strided
 * views, deflated entries and big-endian checkpoints are materialised once, at open, in memory owned by
 * this object. Everything is released by {@link #close()}.
 *
 * <p>A TorchScript archive (recognised by its {@code constants.pkl} or {@code code/} entries) has the same
 * layout, but its {@code data.pkl} pickles the module object tree instead of a dict. It is read with
 * {@link RestrictedUnpickler#loadTorchScript}, which keeps module objects as inert records, and flattened
 * by {@link TorchScriptStateDict} into exactly the names and order of {@code torch.jit.load(f).state_dict()},
 * using the {@code __parameters__} / {@code __buffers__} declarations of the classes in {@code code/}
 * ({@link TorchScriptCode}); the code itself is never compiled or run, and {@code constants.pkl} is not
 * read. Only the storages of state-dict tensors are read.
 */
public final class TorchZipFile implements WeightFile {

    /** data.pkl of a real state dict is a few MB; this bounds what a hostile archive can make us read. */
    static final int MAX_PICKLE_BYTES = 1 << 30;
    private static final int MAX_SMALL_ENTRY = 64;

    private final Path path;
    private final Arena arena;
    private final Map<String, TensorInfo> infos;
    private final Map<String, MemorySegment> data;
    private final Map<String, String> metadata;

    private TorchZipFile(Path path, Arena arena, Map<String, TensorInfo> infos, Map<String, MemorySegment> data,
                         Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.infos = infos;
        this.data = data;
        this.metadata = metadata;
    }

    /**
     * Opens, maps and validates {@code path}.
     *
     * <p>{@link #metadata()} reports {@code format} ({@code pytorch}, or {@code torchscript} for a
     * {@code torch.jit.save} archive, with the root module's class as {@code torchscript_class}),
     * {@code archive} (the folder name), {@code version} and {@code byteorder} when the archive has them,
     * and {@code state_dict_key} when the tensors were found under a nested {@code state_dict} /
     * {@code model} entry.
     *
     * @throws ModelFormatException if the file is not a well-formed checkpoint, its pickle uses anything
     *                              beyond tensors and plain containers (and, in a TorchScript archive, module
     *                              objects), or a TorchScript module tree cannot be read as a state dict
     *                              (the message names the file)
     * @throws UncheckedIOException if it cannot be read
     */
    public static TorchZipFile open(Path path) {
        String name = String.valueOf(path.getFileName());
        if (Files.isDirectory(path)) {
            throw new ModelFormatException(path + ": is a directory, not a PyTorch checkpoint");
        }
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(path + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment whole = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return load(path, name, arena, ZipArchive.parse(name, whole));
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static TorchZipFile load(Path path, String name, Arena arena, ZipArchive zip) {
        ZipArchive.Entry pkl = findDataPkl(name, zip);
        String prefix = pkl.name().substring(0, pkl.name().length() - "data.pkl".length());
        boolean torchScript = isTorchScript(zip, prefix);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", torchScript ? "torchscript" : "pytorch");
        metadata.put("archive", prefix.substring(0, prefix.length() - 1));
        String version = readVersion(name, zip, prefix);
        if (version != null) {
            metadata.put("version", version);
        }
        boolean bigEndian = readBigEndian(name, zip, prefix, metadata);

        Map<String, TensorRef> tensors;
        if (torchScript) {
            Object root = RestrictedUnpickler.loadTorchScript(name, zip.readAll(pkl, MAX_PICKLE_BYTES));
            tensors = TorchScriptStateDict.of(name, root, new TorchScriptCode(name, zip, prefix + "code/"));
            // of() has checked that the root is a module object; its class name is identifiers and dots only.
            metadata.put("torchscript_class", ((ScriptObject) root).className());
            if (tensors.isEmpty()) {
                throw new ModelFormatException(name + ": the TorchScript module has no parameters or buffers");
            }
        } else {
            Object root = RestrictedUnpickler.load(name, zip.readAll(pkl, MAX_PICKLE_BYTES));
            tensors = selectStateDict(name, root, metadata);
        }

        // A storage may back several tensors (and be named with different sizes); read it once, as large
        // as its largest reference needs and no larger, which also caps how much a deflated entry inflates.
        Map<String, Long> needed = new HashMap<>();
        for (TensorRef t : tensors.values()) {
            needed.merge(t.storage().key(), t.storage().byteSize(name), Math::max);
        }
        Map<String, MemorySegment> storages = new HashMap<>();
        for (Map.Entry<String, Long> e : needed.entrySet()) {
            storages.put(e.getKey(), readStorage(name, zip, prefix, e.getKey(), e.getValue(), arena));
        }

        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        Map<String, MemorySegment> data = new HashMap<>();
        for (Map.Entry<String, TensorRef> e : tensors.entrySet()) {
            TensorRef t = e.getValue();
            infos.put(e.getKey(), new TensorInfo(e.getKey(), t.dtype(), t.shape()));
            data.put(e.getKey(), view(t, storages.get(t.storage().key()), bigEndian, arena));
        }
        return new TorchZipFile(path, arena, Collections.unmodifiableMap(infos), data,
                Collections.unmodifiableMap(metadata));
    }

    /** The single {@code <folder>/data.pkl} entry. */
    private static ZipArchive.Entry findDataPkl(String name, ZipArchive zip) {
        List<ZipArchive.Entry> found = new ArrayList<>();
        for (ZipArchive.Entry e : zip.entries()) {
            String n = e.name();
            int slash = n.indexOf('/');
            if (slash > 0 && slash == n.length() - "/data.pkl".length() && n.endsWith("/data.pkl")) {
                found.add(e);
            }
        }
        if (found.isEmpty()) {
            throw new ModelFormatException(name + ": not a PyTorch checkpoint: the zip archive has no <folder>/data.pkl entry");
        }
        if (found.size() > 1) {
            throw new ModelFormatException(name + ": ambiguous PyTorch checkpoint: the zip archive has " + found.size()
                    + " data.pkl entries (" + found.get(0).name() + ", " + found.get(1).name() + ")");
        }
        return found.getFirst();
    }

    /**
     * Whether the archive was written by {@code torch.jit.save}: only it writes {@code constants.pkl} (the
     * tensor constants of the code) and the {@code code/} sources next to {@code data.pkl}.
     */
    private static boolean isTorchScript(ZipArchive zip, String prefix) {
        if (zip.entry(prefix + "constants.pkl") != null) {
            return true;
        }
        for (ZipArchive.Entry e : zip.entries()) {
            if (e.name().startsWith(prefix + "code/")) {
                return true;
            }
        }
        return false;
    }

    private static String readVersion(String name, ZipArchive zip, String prefix) {
        ZipArchive.Entry e = zip.entry(prefix + "version");
        if (e == null) {
            e = zip.entry(prefix + ".data/version"); // where torch >= 2.1 keeps it
        }
        if (e == null) {
            return null;
        }
        String v = small(zip, e);
        if (!v.matches("[0-9]{1,9}")) {
            throw new ModelFormatException(name + ": corrupt PyTorch checkpoint: entry '" + e.name()
                    + "' should hold a format version number");
        }
        return v;
    }

    private static boolean readBigEndian(String name, ZipArchive zip, String prefix, Map<String, String> metadata) {
        ZipArchive.Entry e = zip.entry(prefix + "byteorder");
        if (e == null) {
            return false; // torch before 2.1 wrote no byteorder entry, and only little-endian files in practice
        }
        String order = small(zip, e);
        if (!order.equals("little") && !order.equals("big")) {
            throw new ModelFormatException(name + ": corrupt PyTorch checkpoint: entry '" + e.name()
                    + "' should say 'little' or 'big'");
        }
        metadata.put("byteorder", order);
        return order.equals("big");
    }

    private static String small(ZipArchive zip, ZipArchive.Entry e) {
        return new String(zip.readAll(e, MAX_SMALL_ENTRY), StandardCharsets.ISO_8859_1).strip();
    }

    private static Map<String, TensorRef> selectStateDict(String name, Object root, Map<String, String> metadata) {
        if (!(root instanceof Map<?, ?> top)) {
            throw new ModelFormatException(name + ": the checkpoint holds a " + RestrictedUnpickler.typeName(root)
                    + ", not a state dict (a dict of name to tensor)");
        }
        for (String key : List.of("state_dict", "model")) {
            if (top.get(key) instanceof Map<?, ?> nested && nested.values().stream().anyMatch(v -> v instanceof TensorRef)) {
                metadata.put("state_dict_key", key);
                return tensorsOf(name, nested);
            }
        }
        Map<String, TensorRef> tensors = tensorsOf(name, top);
        if (tensors.isEmpty()) {
            throw new ModelFormatException(name + ": the checkpoint's dict holds no tensors (nor a 'state_dict' or "
                    + "'model' dict of tensors)");
        }
        return tensors;
    }

    private static Map<String, TensorRef> tensorsOf(String name, Map<?, ?> dict) {
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (e.getValue() instanceof TensorRef t) {
                if (!(e.getKey() instanceof String key)) {
                    throw new ModelFormatException(name + ": a tensor is stored under a key of type "
                            + RestrictedUnpickler.typeName(e.getKey()) + "; state dict keys must be strings");
                }
                out.put(key, t);
            }
        }
        return out;
    }

    private static MemorySegment readStorage(String name, ZipArchive zip, String prefix, String key, long bytes,
                                             Arena arena) {
        ZipArchive.Entry e = zip.entry(prefix + "data/" + key);
        if (e == null) {
            throw new ModelFormatException(name + ": corrupt PyTorch checkpoint: data.pkl refers to storage '" + key
                    + "' but the archive has no entry '" + prefix + "data/" + key + "'");
        }
        if (e.uncompressedSize() < bytes) {
            throw new ModelFormatException(name + ": corrupt PyTorch checkpoint: storage '" + key + "' needs " + bytes
                    + " bytes but entry '" + e.name() + "' holds " + e.uncompressedSize());
        }
        return zip.contents(e, bytes, arena);
    }

    /** A zero-copy slice when possible, otherwise a contiguous little-endian copy in {@code arena}. */
    private static MemorySegment view(TensorRef t, MemorySegment storage, boolean bigEndian, Arena arena) {
        int es = t.dtype().byteSize();
        long bytes = t.numel() * es;
        if (t.isContiguous() && !bigEndian) {
            return storage.asSlice(t.offset() * es, bytes);
        }
        MemorySegment copy = arena.allocate(Math.max(bytes, 1), 64).asSlice(0, bytes);
        StridedCopy.gather(storage, t.offset(), t.shape(), t.stride(), es, copy);
        if (bigEndian) {
            StridedCopy.swapBytes(copy, es);
        }
        return copy;
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
        MemorySegment seg = data.get(name);
        if (seg == null) {
            require(name);
        }
        return seg;
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
        return "TorchZipFile[" + path + ", " + infos.size() + " tensors]";
    }
}
