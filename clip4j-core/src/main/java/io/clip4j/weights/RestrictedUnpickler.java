package io.clip4j.weights;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A pickle interpreter that understands exactly what {@code torch.save(state_dict)} writes and nothing
 * more. Python pickles are programs that may call any importable function; this one only evaluates the
 * globals {@link PickleGlobal#resolve} allows (tensor rebuilding, storages, {@code OrderedDict},
 * {@code torch.Size}) and refuses every other global the moment it is named, before anything could call it.
 * No Java class is ever looked up or instantiated by name.
 *
 * <p>Results are plain Java values: {@code null} (None), {@link Boolean}, {@link Long} or {@link BigInteger}
 * (int), {@link Double}, {@link String}, {@code byte[]}, {@link PickleTuple}, {@link ArrayList} (list),
 * {@link LinkedHashMap} (dict, keys restricted to str, int, float, bool and None), {@link StorageRef} and
 * {@link TensorRef}.
 *
 * <p>{@link #loadTorchScript} reads the {@code data.pkl} of a TorchScript archive instead: there the
 * pickle is a tree of TorchScript objects ({@code __torch__.*} classes created with {@code NEWOBJ} and
 * given their attributes with {@code BUILD}), which become inert {@link ScriptObject} records, plus the
 * {@code torch.jit._pickle} markers torch writes around typed lists and dicts, which become plain lists
 * and dicts. Nothing else is added to the allow-list.
 *
 * <p>Hostile input is bounded: every length is checked against the bytes left before allocation, the
 * stack, memo and mark depth are capped, and nothing recurses, so a malformed pickle ends in a
 * {@link ModelFormatException} naming the file, never in an out-of-memory or stack overflow.
 */
final class RestrictedUnpickler {

    static final int MAX_STACK = 1 << 22;
    static final int MAX_MEMO = 1 << 22;
    static final int MAX_MARKS = 1 << 16;
    private static final int MAX_GLOBAL_LINE = 512;
    /** Python ints wider than this many bytes are refused; checkpoints hold shapes and counters. */
    private static final int MAX_INT_BYTES = 1024;
    private static final int MAX_RANK = 64;
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,256}");

    private final String file;
    private final boolean torchScript;
    private final byte[] in;
    private int pos;
    private int opStart;
    private final ArrayList<Object> stack = new ArrayList<>();
    private int[] marks = new int[32];
    private int markDepth;
    private final HashMap<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(String file, byte[] in, boolean torchScript) {
        this.file = file;
        this.in = in;
        this.torchScript = torchScript;
    }

    /**
     * Evaluates {@code pickle} and returns its top-level object.
     *
     * @param file the checkpoint's name, used in every error message
     * @throws ModelFormatException if the pickle is malformed, truncated, exceeds a limit or names a
     *                              global outside the allow-list
     */
    static Object load(String file, byte[] pickle) {
        return new RestrictedUnpickler(file, pickle, false).run();
    }

    /**
     * Evaluates the {@code data.pkl} of a TorchScript archive ({@code torch.jit.save}): like
     * {@link #load}, but {@code __torch__.*} classes may be instantiated as {@link ScriptObject} records
     * and {@code torch.jit._pickle}'s list builders and type tags are understood.
     *
     * @throws ModelFormatException as {@link #load} does
     */
    static Object loadTorchScript(String file, byte[] pickle) {
        return new RestrictedUnpickler(file, pickle, true).run();
    }

    private Object run() {
        while (true) {
            opStart = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto < 2 || proto > 5) {
                        throw corrupt("unsupported pickle protocol " + proto + " (torch writes 2, Python up to 5)");
                    }
                }
                case 0x95 -> { // FRAME: only a buffering hint, but its length must fit
                    long n = u64();
                    if (n < 0 || n > in.length - pos) {
                        throw truncated("FRAME", n);
                    }
                }
                case '.' -> { // STOP
                    return pop();
                }
                case '(' -> pushMark();
                case ')' -> push(PickleTuple.EMPTY);
                case ']' -> push(new ArrayList<>());
                case '}' -> push(new LinkedHashMap<>());
                case 't' -> push(PickleTuple.of(popMark()));
                case 0x85 -> push(PickleTuple.of(pop()));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(PickleTuple.of(a, b));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(PickleTuple.of(a, b, c));
                }
                case 'l' -> push(new ArrayList<>(popMark()));
                case 'd' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> dict = new LinkedHashMap<>();
                    setItems(dict, items);
                    push(dict);
                }
                case 'a' -> { // APPEND
                    Object v = pop();
                    list(peek()).add(v);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                case 's' -> { // SETITEM
                    Object v = pop();
                    Object k = pop();
                    dict(peek()).put(key(k), v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    setItems(dict(peek()), items);
                }
                case '0' -> { // POP: an empty frame means the MARK itself is popped, as in CPython
                    if (stack.size() > markBase()) {
                        pop();
                    } else {
                        popMark();
                    }
                }
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) i32()); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) u16()); // BININT2
                case 0x8a -> push(decodeLong(u8())); // LONG1
                case 0x8b -> push(decodeLong(u32())); // LONG4
                case 'G' -> push(Double.longBitsToDouble(beLong())); // BINFLOAT (big-endian)
                case 'X' -> push(utf8(bytes(u32(), "BINUNICODE")));
                case 0x8c -> push(utf8(bytes(u8(), "SHORT_BINUNICODE")));
                case 0x8d -> push(utf8(bytes(u64(), "BINUNICODE8")));
                case 'T' -> push(new String(bytes(i32(), "BINSTRING"), StandardCharsets.ISO_8859_1));
                case 'U' -> push(new String(bytes(u8(), "SHORT_BINSTRING"), StandardCharsets.ISO_8859_1));
                case 'B' -> push(bytes(u32(), "BINBYTES"));
                case 'C' -> push(bytes(u8(), "SHORT_BINBYTES"));
                case 0x8e -> push(bytes(u64(), "BINBYTES8"));
                case 0x96 -> push(bytes(u64(), "BYTEARRAY8"));
                case 'q' -> memoPut(u8()); // BINPUT
                case 'r' -> memoPut(u32()); // LONG_BINPUT
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(u32())); // LONG_BINGET
                case 'c' -> { // GLOBAL
                    String module = line();
                    String name = line();
                    push(global(module, name));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw corrupt("STACK_GLOBAL needs two strings, got " + typeName(module) + " and " + typeName(name));
                    }
                    push(global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    push(call(callable, tuple(args, "REDUCE arguments")));
                }
                case 0x81 -> { // NEWOBJ
                    Object args = pop();
                    push(newObject(pop(), args));
                }
                case 0x92 -> { // NEWOBJ_EX
                    Object kwargs = pop();
                    Object args = pop();
                    if (!(kwargs instanceof Map<?, ?> kw) || !kw.isEmpty()) {
                        throw corrupt("NEWOBJ_EX with keyword arguments is not supported");
                    }
                    push(newObject(pop(), args));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    build(peek(), state);
                }
                case 'Q' -> push(storage(pop())); // BINPERSID
                case 'i' -> { // INST names its class inline: refuse it by name like GLOBAL
                    global(line(), line());
                    throw corrupt("the pickle instantiates an object (opcode INST); only tensors and plain containers are allowed");
                }
                case 'o' -> throw corrupt("the pickle instantiates an object (opcode OBJ); only tensors and plain "
                        + "containers are allowed");
                case 0x82, 0x83, 0x84 -> throw corrupt("the pickle uses the copyreg extension registry (opcode "
                        + opName(op) + "); only tensors and plain containers are allowed");
                default -> throw corrupt("unsupported pickle opcode " + opName(op)
                        + " (not something torch.save writes for a state dict)");
            }
        }
    }

    // ---- allow-listed behaviour -------------------------------------------------------------------

    private PickleGlobal global(String module, String name) {
        PickleGlobal g = torchScript ? PickleGlobal.resolveTorchScript(module, name, file)
                : PickleGlobal.resolve(module, name, file);
        if (g == null) {
            String q = printable(module + "." + name);
            String allowed = torchScript ? "only tensors, plain containers and TorchScript module objects are allowed"
                    : "only tensors and plain containers are allowed";
            String hint = !torchScript && module.startsWith("__torch__")
                    ? "; this looks like a TorchScript archive (torch.jit.save) without its code/ entries: "
                    + "save its state_dict() with torch.save instead"
                    : "";
            throw new ModelFormatException(file + ": refusing to load: the pickle calls " + q + " (" + allowed + ")" + hint);
        }
        return g;
    }

    private Object call(Object callable, PickleTuple args) {
        if (!(callable instanceof PickleGlobal g)) {
            throw corrupt("REDUCE calls a " + typeName(callable) + "; only the allowed torch functions may be called");
        }
        return switch (g.kind()) {
            case ORDERED_DICT -> orderedDict(args);
            case TORCH_SIZE -> {
                expectArgs(g, args, 1, 1);
                yield PickleTuple.of(list(args.get(0), g + " argument"));
            }
            case REBUILD_TENSOR -> rebuildTensor(g, args, 4, 4, -1);
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            case REBUILD_TENSOR_V2 -> rebuildTensor(g, args, 4, 7, -1);
            // (untyped storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype[, metadata])
            case REBUILD_TENSOR_V3 -> rebuildTensor(g, args, 7, 8, 6);
            case REBUILD_PARAMETER -> parameter(g, args, 3);
            case REBUILD_PARAMETER_WITH_STATE -> parameter(g, args, 4);
            case CODECS_ENCODE -> latin1Bytes(g, args);
            case BUILD_INTLIST -> typedList(g, args, Long.class, "int");
            case BUILD_DOUBLELIST -> typedList(g, args, Double.class, "float");
            case BUILD_BOOLLIST -> typedList(g, args, Boolean.class, "bool");
            case BUILD_TENSORLIST -> typedList(g, args, TensorRef.class, "tensor");
            case RESTORE_TYPE_TAG -> typeTagged(g, args);
            // torch pickles enum values as REDUCE(EnumClass, value); nothing else calls a TorchScript class.
            case SCRIPT_CLASS -> throw corrupt("the pickle calls TorchScript class " + g + " (an enum value or a "
                    + "custom class); only TorchScript module objects are supported");
            case STORAGE_TYPE, UNTYPED_STORAGE, DTYPE -> throw corrupt(g + " cannot be called");
        };
    }

    /** {@code torch.jit._pickle.build_intlist([...])} and friends return their list argument as it is. */
    private List<Object> typedList(PickleGlobal g, PickleTuple args, Class<?> element, String elementName) {
        expectArgs(g, args, 1, 1);
        if (!(args.get(0) instanceof ArrayList<?>)) {
            throw corrupt(g + " expects a list, got a " + typeName(args.get(0)));
        }
        List<Object> items = list(args.get(0));
        for (Object item : items) {
            if (!element.isInstance(item)) {
                throw corrupt(g + " expects a list of " + elementName + ", got a " + typeName(item) + " in it");
            }
        }
        return items;
    }

    /** {@code torch.jit._pickle.restore_type_tag(container, 'Dict[str, int]')} returns the list or dict. */
    private Object typeTagged(PickleGlobal g, PickleTuple args) {
        expectArgs(g, args, 2, 2);
        Object value = args.get(0);
        if (!(value instanceof ArrayList<?>) && !(value instanceof LinkedHashMap<?, ?>) || !(args.get(1) instanceof String)) {
            throw corrupt(g + " expects a list or dict and a type string, got a " + typeName(value) + " and a "
                    + typeName(args.get(1)));
        }
        return value;
    }

    /**
     * Sets a TorchScript object's state (kept as data), or drops an OrderedDict's {@code _metadata}
     * attribute; every other target is refused.
     */
    private void build(Object target, Object state) {
        if (target instanceof ScriptObject obj) {
            if (!obj.build(state)) {
                throw corrupt("BUILD sets the state of " + typeName(obj) + " a second time");
            }
            return;
        }
        if (!(target instanceof Map<?, ?>)) {
            throw corrupt("BUILD (setting object state) on a " + typeName(target) + " is not supported");
        }
        if (state != null && !(state instanceof Map<?, ?>) && !(state instanceof PickleTuple)) {
            throw corrupt("BUILD on a dict with a " + typeName(state) + " state is not supported");
        }
    }

    private Object newObject(Object cls, Object args) {
        PickleTuple t = tuple(args, "NEWOBJ arguments");
        if (cls instanceof PickleGlobal g && g.kind() == PickleGlobal.Kind.ORDERED_DICT) {
            // cls.__new__(cls, *args) of a dict subclass ignores the arguments.
            return new LinkedHashMap<>();
        }
        if (cls instanceof PickleGlobal g && g.kind() == PickleGlobal.Kind.SCRIPT_CLASS) {
            // torch's pickler always passes an empty tuple; the state follows with BUILD.
            if (t.size() != 0) {
                throw corrupt("TorchScript class " + g + " is created with " + t.size() + " NEWOBJ arguments; torch writes none");
            }
            return new ScriptObject(g.qualifiedName());
        }
        String allowed = torchScript ? "only OrderedDict and TorchScript classes" : "only OrderedDict";
        throw corrupt("the pickle instantiates " + typeName(cls) + " with NEWOBJ; " + allowed + " may be created that way");
    }

    private Map<Object, Object> orderedDict(PickleTuple args) {
        Map<Object, Object> dict = new LinkedHashMap<>();
        if (args.size() == 0) {
            return dict;
        }
        if (args.size() != 1) {
            throw corrupt("collections.OrderedDict takes at most 1 argument, got " + args.size());
        }
        for (Object pair : list(args.get(0), "collections.OrderedDict argument")) {
            if (!(pair instanceof PickleTuple t) || t.size() != 2) {
                throw corrupt("collections.OrderedDict expects (key, value) pairs, got a " + typeName(pair));
            }
            dict.put(key(t.get(0)), t.get(1));
        }
        return dict;
    }

    private TensorRef rebuildTensor(PickleGlobal g, PickleTuple args, int minArgs, int maxArgs, int dtypeArg) {
        expectArgs(g, args, minArgs, maxArgs);
        if (!(args.get(0) instanceof StorageRef storage)) {
            throw corrupt(g + " expects a storage as its first argument, got a " + typeName(args.get(0)));
        }
        long offset = nonNegative(args.get(1), g + " storage_offset");
        long[] shape = dims(args.get(2), g + " size");
        long[] stride = dims(args.get(3), g + " stride");
        if (shape.length != stride.length) {
            throw corrupt(g + ": size has " + shape.length + " dimensions but stride has " + stride.length);
        }
        DType dtype = storage.dtype();
        if (dtypeArg >= 0) {
            if (!(args.get(dtypeArg) instanceof PickleGlobal d) || d.kind() != PickleGlobal.Kind.DTYPE) {
                throw corrupt(g + " expects a torch dtype as argument " + (dtypeArg + 1) + ", got a " + typeName(args.get(dtypeArg)));
            }
            // A typed storage fixes the element type; only raw bytes may be reinterpreted.
            if (d.dtype() != storage.dtype() && storage.dtype() != DType.U8) {
                throw corrupt(g + ": a " + d + " tensor over a storage of " + storage.dtype());
            }
            dtype = d.dtype();
        }
        checkInside(storage, dtype, offset, shape, stride);
        return new TensorRef(storage, dtype, offset, shape, stride);
    }

    /** Rejects a view that would read outside its storage, so later slicing cannot fail. */
    private void checkInside(StorageRef storage, DType dtype, long offset, long[] shape, long[] stride) {
        try {
            long storageBytes = storage.byteSize(file);
            long numel = 1;
            long last = offset;
            for (int i = 0; i < shape.length; i++) {
                numel = Math.multiplyExact(numel, shape[i]);
                if (shape[i] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
                }
            }
            long end = numel == 0 ? Math.multiplyExact(offset, dtype.byteSize())
                    : Math.multiplyExact(Math.addExact(last, 1), dtype.byteSize());
            if (end > storageBytes) {
                throw corrupt("a tensor of size " + java.util.Arrays.toString(shape) + ", stride "
                        + java.util.Arrays.toString(stride) + " at offset " + offset + " reads up to byte " + end
                        + " of storage '" + storage.key() + "', which has " + storageBytes + " bytes");
            }
        } catch (ArithmeticException e) {
            throw corrupt("a tensor of size " + java.util.Arrays.toString(shape) + " is too large");
        }
    }

    private TensorRef parameter(PickleGlobal g, PickleTuple args, int count) {
        expectArgs(g, args, count, count);
        if (!(args.get(0) instanceof TensorRef t)) {
            throw corrupt(g + " expects a tensor as its first argument, got a " + typeName(args.get(0)));
        }
        return t;
    }

    private byte[] latin1Bytes(PickleGlobal g, PickleTuple args) {
        expectArgs(g, args, 1, 2);
        if (!(args.get(0) instanceof String s)
                || (args.size() == 2 && !"latin1".equals(args.get(1)) && !"latin-1".equals(args.get(1)))) {
            throw corrupt(g + " is only allowed as _codecs.encode(str, 'latin1')");
        }
        byte[] out = new byte[s.length()];
        for (int i = 0; i < out.length; i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                throw corrupt(g + ": character U+" + Integer.toHexString(c) + " is not latin-1");
            }
            out[i] = (byte) c;
        }
        return out;
    }

    /** Resolves a persistent id {@code ('storage', storage_type, key, location, numel)}. */
    private StorageRef storage(Object pid) {
        if (!(pid instanceof PickleTuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
            throw corrupt("unsupported persistent id (a " + typeName(pid) + "); expected ('storage', type, key, location, numel)");
        }
        if (!(t.get(1) instanceof PickleGlobal type)
                || (type.kind() != PickleGlobal.Kind.STORAGE_TYPE && type.kind() != PickleGlobal.Kind.UNTYPED_STORAGE)) {
            throw corrupt("persistent id names a " + typeName(t.get(1)) + " where a storage type belongs");
        }
        if (!(t.get(2) instanceof String key) || !STORAGE_KEY.matcher(key).matches()) {
            throw corrupt("persistent id has an invalid storage key (" + typeName(t.get(2)) + ")");
        }
        if (!(t.get(3) instanceof String location)) {
            throw corrupt("persistent id has a " + typeName(t.get(3)) + " as its device");
        }
        long numel = nonNegative(t.get(4), "storage size");
        DType dtype = type.kind() == PickleGlobal.Kind.UNTYPED_STORAGE ? DType.U8 : type.dtype();
        return new StorageRef(key, dtype, numel, location);
    }

    // ---- value checks ------------------------------------------------------------------------------

    private void expectArgs(PickleGlobal g, PickleTuple args, int min, int max) {
        if (args.size() < min || args.size() > max) {
            throw corrupt(g + " takes " + (min == max ? String.valueOf(min) : min + " to " + max)
                    + " arguments, got " + args.size());
        }
    }

    private long[] dims(Object o, String what) {
        List<Object> items = list(o, what);
        if (items.size() > MAX_RANK) {
            throw corrupt(what + " has " + items.size() + " dimensions (at most " + MAX_RANK + ")");
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nonNegative(items.get(i), what);
        }
        return out;
    }

    private long nonNegative(Object o, String what) {
        if (!(o instanceof Long v) || v < 0) {
            throw corrupt(what + " must be a non-negative int, got a " + typeName(o));
        }
        return v;
    }

    /** Items of a tuple or list (copy for tuples, the list itself otherwise). */
    private List<Object> list(Object o, String what) {
        if (o instanceof PickleTuple t) {
            return t.asList();
        }
        if (o instanceof ArrayList<?>) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) o;
            return l;
        }
        throw corrupt(what + " must be a tuple or list, got a " + typeName(o));
    }

    private PickleTuple tuple(Object o, String what) {
        if (o instanceof PickleTuple t) {
            return t;
        }
        throw corrupt(what + " must be a tuple, got a " + typeName(o));
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof ArrayList<?>) {
            return (List<Object>) o;
        }
        throw corrupt("APPEND to a " + typeName(o) + " (only lists can be appended to)");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof LinkedHashMap<?, ?>) {
            return (Map<Object, Object>) o;
        }
        throw corrupt("SETITEM on a " + typeName(o) + " (only dicts support item assignment)");
    }

    /**
     * Allows only keys with cheap, non-recursive equality. Python forbids lists and dicts as keys too;
     * tuples are refused because hashing shared nested tuples can take exponential time.
     */
    private Object key(Object k) {
        if (k == null || k instanceof String || k instanceof Long || k instanceof BigInteger
                || k instanceof Double || k instanceof Boolean) {
            return k;
        }
        throw corrupt("a dict key of type " + typeName(k) + " is not supported");
    }

    private void setItems(Map<Object, Object> dict, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw corrupt("SETITEMS needs key/value pairs, got " + items.size() + " items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            dict.put(key(items.get(i)), items.get(i + 1));
        }
    }

    // ---- stack, marks and memo ---------------------------------------------------------------------

    private int markBase() {
        return markDepth == 0 ? 0 : marks[markDepth - 1];
    }

    private void push(Object o) {
        if (stack.size() >= MAX_STACK) {
            throw corrupt("the pickle stack exceeds " + MAX_STACK + " entries");
        }
        stack.add(o);
    }

    /** Pops one value; values below the innermost MARK are out of reach, as in CPython. */
    private Object pop() {
        if (stack.size() <= markBase()) {
            throw corrupt("stack underflow (the pickle is malformed)");
        }
        return stack.removeLast();
    }

    private Object peek() {
        if (stack.size() <= markBase()) {
            throw corrupt("stack underflow (the pickle is malformed)");
        }
        return stack.getLast();
    }

    private void pushMark() {
        if (markDepth >= MAX_MARKS) {
            throw corrupt("more than " + MAX_MARKS + " nested MARKs");
        }
        if (markDepth == marks.length) {
            marks = java.util.Arrays.copyOf(marks, marks.length * 2);
        }
        marks[markDepth++] = stack.size();
    }

    /** Removes and returns everything above the innermost MARK. */
    private List<Object> popMark() {
        if (markDepth == 0) {
            throw corrupt("no MARK on the stack (the pickle is malformed)");
        }
        int base = marks[--markDepth];
        List<Object> top = stack.subList(base, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private void memoPut(long index) {
        Object top = peek();
        if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) {
            throw corrupt("the pickle memo exceeds " + MAX_MEMO + " entries");
        }
        memo.put(index, top);
    }

    private Object memoGet(long index) {
        Object v = memo.get(index);
        if (v == null && !memo.containsKey(index)) {
            throw corrupt("memo entry " + index + " is read before it is written");
        }
        return v;
    }

    // ---- raw reads ---------------------------------------------------------------------------------

    private int u8() {
        if (pos >= in.length) {
            throw new ModelFormatException(file + ": corrupt pickle: it ends at byte " + in.length
                    + " without a STOP opcode (truncated)");
        }
        return in[pos++] & 0xff;
    }

    private void need(int n, String what) {
        if (n > in.length - pos) {
            throw truncated(what, n);
        }
    }

    private int u16() {
        need(2, "a 2-byte argument");
        int v = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    private int i32() {
        need(4, "a 4-byte argument");
        int v = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8 | (in[pos + 2] & 0xff) << 16 | (in[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    private long u32() {
        return i32() & 0xffffffffL;
    }

    /** Little-endian 8 bytes; values of 2^63 and above come back negative and fail length checks. */
    private long u64() {
        need(8, "an 8-byte argument");
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (in[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    private long beLong() {
        need(8, "an 8-byte float");
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (in[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    private int length(long n, String what) {
        if (n < 0 || n > in.length - pos) {
            throw truncated(what, n);
        }
        return (int) n;
    }

    private byte[] bytes(long n, String what) {
        int len = length(n, what);
        byte[] out = java.util.Arrays.copyOfRange(in, pos, pos + len);
        pos += len;
        return out;
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A newline-terminated argument of GLOBAL. */
    private String line() {
        int limit = Math.min(in.length, pos + MAX_GLOBAL_LINE);
        for (int i = pos; i < limit; i++) {
            if (in[i] == '\n') {
                String s = new String(in, pos, i - pos, StandardCharsets.UTF_8);
                pos = i + 1;
                return s;
            }
        }
        if (limit == in.length) {
            throw truncated("GLOBAL", MAX_GLOBAL_LINE);
        }
        throw corrupt("GLOBAL argument longer than " + MAX_GLOBAL_LINE + " bytes");
    }

    /** Python's little-endian two's-complement LONG1/LONG4 encoding. */
    private Object decodeLong(long n) {
        if (n > MAX_INT_BYTES) {
            throw corrupt("an integer of " + n + " bytes is too large");
        }
        byte[] le = bytes(n, "LONG");
        if (le.length == 0) {
            return 0L;
        }
        if (le.length <= 8) {
            long v = le[le.length - 1]; // sign-extends the most significant byte
            for (int i = le.length - 2; i >= 0; i--) {
                v = v << 8 | (le[i] & 0xff);
            }
            return v;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < be.length; i++) {
            be[i] = le[be.length - 1 - i];
        }
        BigInteger big = new BigInteger(be);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    // ---- messages ----------------------------------------------------------------------------------

    private ModelFormatException corrupt(String why) {
        return new ModelFormatException(file + ": corrupt pickle at byte " + opStart + ": " + why);
    }

    private ModelFormatException truncated(String what, long n) {
        return new ModelFormatException(file + ": corrupt pickle at byte " + opStart + ": " + what + " needs "
                + (n < 0 ? Long.toUnsignedString(n) : n) + " bytes but only " + (in.length - pos)
                + " are left (truncated)");
    }

    private static String opName(int op) {
        String hex = String.format("0x%02x", op);
        return op >= 0x20 && op < 0x7f ? hex + " '" + (char) op + "'" : hex;
    }

    /** Python's name for a value's type, for messages (values themselves are never printed). */
    static String typeName(Object o) {
        return switch (o) {
            case null -> "None";
            case String _ -> "str";
            case Long _ -> "int";
            case BigInteger _ -> "int";
            case Double _ -> "float";
            case Boolean _ -> "bool";
            case byte[] _ -> "bytes";
            case PickleTuple _ -> "tuple";
            case ArrayList<?> _ -> "list";
            case Map<?, ?> _ -> "dict";
            case PickleGlobal g -> g.qualifiedName();
            case StorageRef _ -> "storage";
            case TensorRef _ -> "tensor";
            case ScriptObject s -> "TorchScript object " + printable(s.className());
            default -> o.getClass().getSimpleName();
        };
    }

    /** Strips control characters from names taken from the file before they reach a terminal. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return s.codePointCount(0, s.length()) > 200 ? b + "..." : b.toString();
    }
}
