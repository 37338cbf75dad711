package io.clip4j.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a TorchScript archive the way {@code torch.jit.save} of a traced module does in torch 1.7, so
 * tests can build realistic OpenAI-style archives without torch:
 *
 * <ul>
 *   <li>the tree is written as {@code torch.jit.script} keeps it (every attribute) or, with
 *       {@link #traced}, as {@code torch.jit.trace} does (the OpenAI releases were traced);</li>
 *   <li>every module instance gets its own class type (tracing uses {@code share_types=False}); the
 *       first type of a Python class keeps its name {@code __torch__.<module>.<Class>}, later ones are
 *       mangled to {@code __torch__.<module>.___torch_mangle_<n>.<Class>} as torch's NameMangler does;</li>
 *   <li>a class's attribute slots are its parameters, its buffers, its other attributes, then its
 *       submodules (ConcreteModuleTypeBuilder's order), whatever order the test declares them in;</li>
 *   <li>{@code data.pkl} is written opcode for opcode like torch's {@code Pickler}: protocol 2, globals and
 *       strings memoized (BINPUT on first use, BINGET after), objects as GLOBAL + EMPTY_TUPLE + NEWOBJ +
 *       attribute dict + BUILD, shared values memoized, tensors as {@code _rebuild_tensor_v2} with
 *       storages {@code ('storage', torch.<Type>Storage, '<n>', location, numel)} in {@code data/<n>},
 *       int lists via {@code torch.jit._pickle.build_intlist}, dicts via {@code restore_type_tag};</li>
 *   <li>{@code code/} holds python_print's rendering of each class (deflated above 200 bytes, with a
 *       {@code .debug_pkl} beside it), {@code constants.pkl} a tuple of tensor constants in
 *       {@code constants/<n>}, and {@code version} the format version.</li>
 * </ul>
 *
 * Only the zip container differs from torch's (no 64-byte alignment padding), which the reader never
 * relies on.
 */
final class TorchScriptWriter {

    /** A storage shared by tensor views. */
    static final class Storage {
        final String type;
        final byte[] data;
        final long numel;

        Storage(String type, int elementSize, byte[] data) {
            this.type = type;
            this.data = data;
            this.numel = data.length / elementSize;
        }
    }

    /** A tensor: a strided view of a storage. */
    record Tensor(Storage storage, long offset, long[] shape, long[] stride, boolean requiresGrad) {

        /** A contiguous tensor over its own storage, of a {@link WeightFile} tensor's bytes. */
        static Tensor of(TensorInfo info, byte[] data, boolean requiresGrad) {
            String type = switch (info.dtype()) {
                case F32 -> "FloatStorage";
                case F16 -> "HalfStorage";
                case BF16 -> "BFloat16Storage";
                case F64 -> "DoubleStorage";
                case I64 -> "LongStorage";
                case I32 -> "IntStorage";
                case I16 -> "ShortStorage";
                case I8 -> "CharStorage";
                case U8 -> "ByteStorage";
                case BOOL -> "BoolStorage";
            };
            return new Tensor(new Storage(type, info.dtype().byteSize(), data), 0, info.shape(),
                    PickleBuilder.contiguousStride(info.shape()), requiresGrad);
        }

        static Tensor f32(boolean requiresGrad, long[] shape, float... values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor(new Storage("FloatStorage", 4, b.array()), 0, shape, PickleBuilder.contiguousStride(shape), requiresGrad);
        }

        static Tensor i64Scalar(long value) {
            byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
            return new Tensor(new Storage("LongStorage", 8, b), 0, new long[0], new long[0], false);
        }
    }

    /** A tuple attribute (pickled with TUPLE1/2/3 or MARK ... TUPLE). */
    record Tuple(String type, Object... items) {
    }

    /** A {@code List[int]} attribute, which torch pickles through {@code build_intlist}. */
    record IntList(long... values) {
    }

    /** A {@code Dict[K, V]} attribute, which torch pickles through {@code restore_type_tag}. */
    record TypedDict(String type, Map<Object, Object> items) {
    }

    private enum SlotKind { PARAMETER, BUFFER, ATTRIBUTE, MODULE }

    private record Slot(String name, SlotKind kind, String type, Object value) {
    }

    /**
     * A module instance: a Python class ({@code torch.nn.modules.conv.Conv2d}) and its attributes; or,
     * made with {@link #scriptClass}, an instance of a plain TorchScript class (not a module).
     */
    static final class Module {
        final String pyModule;
        final String className;
        final boolean isModule;
        private final List<Slot> slots = new ArrayList<>();
        private final List<String> constants = new ArrayList<>();

        Module(String pythonQualifiedName) {
            this(pythonQualifiedName, true);
            attr("training", false); // nn.Module.__init__ sets it first; modules are saved in eval mode
        }

        private Module(String pythonQualifiedName, boolean isModule) {
            int dot = pythonQualifiedName.lastIndexOf('.');
            this.pyModule = pythonQualifiedName.substring(0, dot);
            this.className = pythonQualifiedName.substring(dot + 1);
            this.isModule = isModule;
        }

        /** An object of a {@code @torch.jit.script} class: a module attribute that is not a submodule. */
        static Module scriptClass(String pythonQualifiedName) {
            return new Module(pythonQualifiedName, false);
        }

        /** A parameter; {@code null} for a parameter registered as None (Conv2d's bias=False). */
        Module param(String name, Tensor t) {
            slots.add(new Slot(name, SlotKind.PARAMETER, t == null ? "NoneType" : "Tensor", t));
            return this;
        }

        Module buffer(String name, Tensor t) {
            slots.add(new Slot(name, SlotKind.BUFFER, t == null ? "NoneType" : "Tensor", t));
            return this;
        }

        Module attr(String name, Object value) {
            return attr(name, typeOf(value), value);
        }

        Module attr(String name, String type, Object value) {
            slots.add(new Slot(name, SlotKind.ATTRIBUTE, type, value));
            return this;
        }

        Module child(String name, Module m) {
            slots.add(new Slot(name, SlotKind.MODULE, null, m));
            return this;
        }

        /** A class constant, printed like {@code eps : Final[float] = 1.0000000000000001e-05}. */
        Module constant(String line) {
            constants.add(line);
            return this;
        }

        /** Slots in ClassType order: parameters, buffers, other attributes, submodules (each in declaration order). */
        List<Slot> orderedSlots() {
            List<Slot> s = new ArrayList<>(slots);
            s.sort(Comparator.comparing(Slot::kind));
            return s;
        }

        private static String typeOf(Object v) {
            return switch (v) {
                case null -> "NoneType";
                case Boolean _ -> "bool";
                case Long _, Integer _ -> "int";
                case Double _ -> "float";
                case String _ -> "str";
                case Tensor _ -> "Tensor";
                case IntList _ -> "List[int]";
                case Tuple t -> t.type();
                case TypedDict d -> d.type();
                case Module _ -> "(printed with its unique name)";
                default -> throw new IllegalArgumentException(v.getClass().toString());
            };
        }
    }

    private final String folder;
    private final String location;
    private String version = "3";
    private boolean legacyNoBuffers;
    private boolean traced;
    private final List<Tensor> constants = new ArrayList<>();
    private final Map<String, byte[]> extraEntries = new LinkedHashMap<>();
    /** Overrides of the data.pkl bytes, for hostile variants. */
    private byte[] dataPklOverride;
    private final Map<String, String> codeOverrides = new LinkedHashMap<>();
    private final java.util.Set<String> omitted = new java.util.HashSet<>();
    /** The sources of the last {@link #write}, by path under {@code code/}. */
    Map<String, String> lastSources;

    /**
     * @param folder   the archive's top folder (torch uses the file's base name, e.g. {@code ViT-B-32})
     * @param location the device the tensors were saved from ({@code cpu}, {@code cuda:0})
     */
    TorchScriptWriter(String folder, String location) {
        this.folder = folder;
        this.location = location;
    }

    /** Writes the tree as {@code torch.jit.trace} would have built it (see {@link #slots}). */
    TorchScriptWriter traced() {
        this.traced = true;
        return this;
    }

    /** Writes no {@code __buffers__} declarations, as torch before 1.6 did. */
    TorchScriptWriter legacyNoBuffers() {
        this.legacyNoBuffers = true;
        return this;
    }

    TorchScriptWriter version(String v) {
        this.version = v;
        return this;
    }

    /** A tensor constant of the code (a traced graph's attention mask, say), written to constants.pkl. */
    TorchScriptWriter constant(Tensor t) {
        constants.add(t);
        return this;
    }

    TorchScriptWriter entry(String name, byte[] bytes) {
        extraEntries.put(name, bytes);
        return this;
    }

    /** Leaves entry {@code name} (relative to the folder, e.g. {@code data/1}) out of the archive. */
    TorchScriptWriter omit(String name) {
        omitted.add(name);
        return this;
    }

    TorchScriptWriter dataPkl(byte[] pickle) {
        this.dataPklOverride = pickle;
        return this;
    }

    /** Replaces the source of {@code code/<path>} (e.g. {@code __torch__/torch/nn/modules/conv.py}). */
    TorchScriptWriter code(String path, String source) {
        codeOverrides.put(path, source);
        return this;
    }

    // ---- the archive ------------------------------------------------------------------------------

    /** The archive of {@code root}; {@link #lastSources} holds the code that was written. */
    byte[] write(Module root) {
        Map<Module, String[]> names = new IdentityHashMap<>();
        assignNames(root, names, new HashMap<>(), new int[]{0});

        ScriptPickler data = new ScriptPickler(names, location);
        data.pickler.proto(2);
        data.value(root);
        byte[] dataPkl = data.pickler.stop().bytes();

        Map<String, String> sources = new LinkedHashMap<>();
        printClasses(root, names, sources, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        sources.putAll(codeOverrides);
        lastSources = sources;

        ScriptPickler consts = new ScriptPickler(names, location);
        consts.pickler.proto(2);
        consts.value(new Tuple("tuple", constants.toArray()));
        byte[] constantsPkl = consts.pickler.stop().bytes();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < data.storages.size(); i++) {
                put(zip, "data/" + i, data.storages.get(i).data, false);
            }
            put(zip, "data.pkl", dataPklOverride != null ? dataPklOverride : dataPkl, false);
            for (Map.Entry<String, String> e : sources.entrySet()) {
                byte[] src = e.getValue().getBytes(StandardCharsets.UTF_8);
                put(zip, "code/" + e.getKey(), src, src.length > 200);
                byte[] debug = debugPkl(e.getKey());
                put(zip, "code/" + e.getKey() + ".debug_pkl", debug, debug.length > 200);
            }
            for (int i = 0; i < consts.storages.size(); i++) {
                put(zip, "constants/" + i, consts.storages.get(i).data, false);
            }
            put(zip, "constants.pkl", constantsPkl, false);
            for (Map.Entry<String, byte[]> e : extraEntries.entrySet()) {
                put(zip, e.getKey(), e.getValue(), false);
            }
            put(zip, "version", (version + "\n").getBytes(StandardCharsets.US_ASCII), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void put(ZipOutputStream zip, String name, byte[] bytes, boolean deflate) throws IOException {
        if (omitted.contains(name)) {
            return;
        }
        ZipEntry z = new ZipEntry(folder + "/" + name);
        if (!deflate) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            z.setMethod(ZipEntry.STORED);
            z.setSize(bytes.length);
            z.setCompressedSize(bytes.length);
            z.setCrc(crc.getValue());
        } else {
            z.setMethod(ZipEntry.DEFLATED);
        }
        zip.putNextEntry(z);
        zip.write(bytes);
        zip.closeEntry();
    }

    /** SourceRangePickler's output: a tuple of (offset, (source, filename, line)) records. Never read by clip4j. */
    private static byte[] debugPkl(String path) {
        return new PickleBuilder().proto(2).mark().mark().integer(0).mark().unicode("def forward(self, x):")
                .unicode("/opt/clip/model.py").integer(1).tuple().tuple().unicode(path).tuple().stop().bytes();
    }

    /** Gives every module instance its own (qualifier, name), mangling repeats like torch's NameMangler. */
    private void assignNames(Module m, Map<Module, String[]> names, Map<String, Integer> used, int[] mangle) {
        if (names.containsKey(m)) {
            return;
        }
        String qualifier = "__torch__." + m.pyModule;
        String key = qualifier + "." + m.className;
        if (used.containsKey(key)) {
            qualifier = qualifier + ".___torch_mangle_" + mangle[0]++;
        }
        used.put(key, 1);
        names.put(m, new String[]{qualifier, m.className});
        for (Slot s : slots(m)) {
            if (s.value() instanceof Module child) {
                assignNames(child, names, used, mangle);
            }
        }
    }

    // ---- code/ -------------------------------------------------------------------------------------

    private void printClasses(Module m, Map<Module, String[]> names, Map<String, String> sources,
                                     java.util.Set<Module> done) {
        if (!done.add(m)) {
            return;
        }
        String[] n = names.get(m);
        String path = n[0].replace('.', '/') + ".py";
        String previous = sources.getOrDefault(path, "op_version_set = 1\n");
        sources.put(path, previous + printClass(m, names));
        for (Slot s : slots(m)) {
            if (s.value() instanceof Module child) {
                printClasses(child, names, sources, done);
            }
        }
    }

    /** python_print's rendering of a module class (torch 1.7), with a small traced forward. */
    private String printClass(Module m, Map<Module, String[]> names) {
        String[] n = names.get(m);
        StringBuilder b = new StringBuilder("class ").append(n[1]).append(m.isModule ? "(Module):\n" : ":\n");
        List<Slot> slots = slots(m);
        if (m.isModule) {
            b.append("  __parameters__ = [");
            slots.stream().filter(s -> s.kind() == SlotKind.PARAMETER).forEach(s -> b.append('"').append(s.name()).append("\", "));
            b.append("]\n");
            if (!legacyNoBuffers) {
                b.append("  __buffers__ = [");
                slots.stream().filter(s -> s.kind() == SlotKind.BUFFER).forEach(s -> b.append('"').append(s.name()).append("\", "));
                b.append("]\n");
            }
        }
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            String type = s.value() instanceof Module child ? String.join(".", names.get(child)) : s.type();
            if (s.name().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                b.append("  ").append(s.name()).append(" : ").append(type).append('\n');
            } else {
                if (i == 0) {
                    b.append("  __annotations__ = []\n");
                }
                b.append("  __annotations__[\"").append(s.name()).append("\"] = ").append(type).append('\n');
            }
        }
        for (String c : m.constants) {
            b.append("  ").append(c).append('\n');
        }
        b.append("  def forward(self: ").append(n[0]).append('.').append(n[1]).append(",\n    argument_1: Tensor) -> Tensor:\n");
        int k = 0;
        for (Slot s : slots) {
            if (s.kind() == SlotKind.MODULE) {
                b.append("    _").append(k).append(" = (").append(s.name().matches("[A-Za-z_][A-Za-z0-9_]*")
                        ? "self." + s.name() : "getattr(self, \"" + s.name() + "\")").append(").forward(argument_1, )\n");
                k++;
            }
        }
        b.append("    return torch.add(argument_1, CONSTANTS.c0, alpha=1)\n");
        return b.toString();
    }

    // ---- data.pkl ----------------------------------------------------------------------------------

    /**
     * The slots a module's class type gets. A traced module (torch.jit._trace.TracedModule in torch 1.7)
     * copies only {@code training}, the parameters and buffers that are not None, attributes holding
     * script objects, and the submodules; a scripted one keeps every attribute.
     */
    private List<Slot> slots(Module m) {
        List<Slot> all = m.orderedSlots();
        if (!traced) {
            return all;
        }
        return all.stream().filter(s -> switch (s.kind()) {
            case PARAMETER, BUFFER -> s.value() != null;
            case ATTRIBUTE -> s.name().equals("training") || s.value() instanceof Module;
            case MODULE -> true;
        }).toList();
    }

    /** torch's Pickler, for the values a module tree holds. */
    private final class ScriptPickler {
        final PickleBuilder pickler = new PickleBuilder();
        final List<Storage> storages = new ArrayList<>();
        private final Map<Module, String[]> names;
        private final String location;
        private int memoId;
        private final Map<String, Integer> globals = new HashMap<>();
        private final Map<String, Integer> strings = new HashMap<>();
        private final Map<Object, Integer> objects = new IdentityHashMap<>();
        private final Map<Storage, Integer> storageMemo = new IdentityHashMap<>();

        ScriptPickler(Map<Module, String[]> names, String location) {
            this.names = names;
            this.location = location;
        }

        private int nextPut() {
            pickler.put(memoId);
            return memoId++;
        }

        void global(String module, String name) {
            Integer m = globals.get(module + "\n" + name);
            if (m != null) {
                pickler.get(m);
                return;
            }
            pickler.global(module, name);
            globals.put(module + "\n" + name, nextPut());
        }

        void string(String s) {
            Integer m = strings.get(s);
            if (m != null) {
                pickler.get(m);
                return;
            }
            pickler.unicode(s);
            strings.put(s, nextPut());
        }

        /** pushIValue: reference values are memoized by identity (their use count is above one). */
        void value(Object v) {
            boolean memoized = v instanceof Module || v instanceof Tensor || v instanceof Tuple || v instanceof IntList
                    || v instanceof TypedDict;
            if (memoized && objects.containsKey(v)) {
                pickler.get(objects.get(v));
                return;
            }
            switch (v) {
                case null -> pickler.none();
                case Boolean b -> pickler.bool(b);
                case Integer i -> pickler.integer(i);
                case Long l -> pickler.integer(l);
                case Double d -> pickler.op('G').raw(ByteBuffer.allocate(8).putDouble(d).array());
                case String s -> string(s);
                case Tensor t -> tensor(t);
                case Module m -> module(m);
                case Tuple t -> tuple(t);
                case IntList l -> {
                    global("torch.jit._pickle", "build_intlist");
                    pickler.mark().emptyList().mark();
                    for (long x : l.values()) {
                        pickler.integer(x);
                    }
                    pickler.op('e').tuple().reduce();
                }
                case TypedDict d -> {
                    global("torch.jit._pickle", "restore_type_tag");
                    pickler.emptyDict().mark();
                    for (Map.Entry<Object, Object> e : d.items().entrySet()) {
                        value(e.getKey());
                        value(e.getValue());
                    }
                    pickler.setitems();
                    string(d.type());
                    pickler.op(0x86).reduce();
                }
                default -> throw new IllegalArgumentException(v.getClass().toString());
            }
            if (memoized) {
                objects.put(v, nextPut());
            }
        }

        private void module(Module m) {
            String[] n = names.get(m);
            global(n[0], n[1]);
            pickler.emptyTuple().op(0x81).emptyDict().mark();
            for (Slot s : slots(m)) {
                string(s.name());
                value(s.value());
            }
            pickler.setitems().build();
        }

        private void tuple(Tuple t) {
            switch (t.items().length) {
                case 0 -> pickler.emptyTuple();
                case 1, 2, 3 -> {
                    for (Object o : t.items()) {
                        value(o);
                    }
                    pickler.op(0x84 + t.items().length);
                }
                default -> {
                    pickler.mark();
                    for (Object o : t.items()) {
                        value(o);
                    }
                    pickler.tuple();
                }
            }
        }

        /** pushLiteralTensor. */
        private void tensor(Tensor t) {
            global("torch._utils", "_rebuild_tensor_v2");
            pickler.mark();
            Integer s = storageMemo.get(t.storage());
            if (s != null) {
                pickler.get(s);
            } else {
                pickler.mark();
                string("storage");
                global("torch", t.storage().type);
                string(String.valueOf(storages.size()));
                string(location);
                pickler.integer(t.storage().numel).tuple().binpersid();
                storageMemo.put(t.storage(), nextPut());
                storages.add(t.storage());
            }
            pickler.integer(t.offset()).mark();
            Arrays.stream(t.shape()).forEach(pickler::integer);
            pickler.tuple().mark();
            Arrays.stream(t.stride()).forEach(pickler::integer);
            pickler.tuple().bool(t.requiresGrad());
            global("collections", "OrderedDict");
            pickler.emptyTuple().reduce().tuple().reduce();
        }
    }
}
