package io.clip4j.weights;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One of the few Python globals a checkpoint pickle may name. {@link #resolve} is the whole allow-list for
 * {@code torch.save} pickles, {@link #resolveTorchScript} the one for a TorchScript archive's
 * {@code data.pkl}: anything they do not return is refused by {@link RestrictedUnpickler} before it can
 * be used, so no class is ever looked up or instantiated by name.
 *
 * @param qualifiedName {@code module.name} as written in the pickle, for messages
 * @param kind what the global stands for
 * @param dtype the element type of a storage class or dtype global; {@code null} otherwise
 */
record PickleGlobal(String qualifiedName, Kind kind, DType dtype) {

    /** The meaning of an allowed global. */
    enum Kind {
        ORDERED_DICT, TORCH_SIZE, REBUILD_TENSOR, REBUILD_TENSOR_V2, REBUILD_TENSOR_V3, REBUILD_PARAMETER,
        REBUILD_PARAMETER_WITH_STATE, CODECS_ENCODE,
        /** A typed storage class such as {@code torch.HalfStorage}. */
        STORAGE_TYPE,
        /** {@code torch.UntypedStorage}: raw bytes, the dtype comes from the tensor. */
        UNTYPED_STORAGE,
        /** A dtype object such as {@code torch.float16}. */
        DTYPE,
        /**
         * A TorchScript class {@code __torch__.<qualname>} (a module or a scripted class): only ever a name
         * recorded in a {@link ScriptObject}, never resolved to anything.
         */
        SCRIPT_CLASS,
        /** {@code torch.jit._pickle.build_intlist} and friends: identity functions on a list of one element type. */
        BUILD_INTLIST, BUILD_DOUBLELIST, BUILD_BOOLLIST, BUILD_TENSORLIST,
        /** {@code torch.jit._pickle.restore_type_tag(container, type_str)}: returns the container. */
        RESTORE_TYPE_TAG
    }

    /** A dotted Python name whose atoms are identifiers, as TorchScript qualified names are. */
    private static final Pattern SCRIPT_MODULE = Pattern.compile("__torch__(\\.[A-Za-z_][A-Za-z0-9_]{0,127}){0,32}");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private static final Map<String, DType> STORAGE_TYPES = Map.of(
            "FloatStorage", DType.F32, "HalfStorage", DType.F16, "BFloat16Storage", DType.BF16,
            "DoubleStorage", DType.F64, "LongStorage", DType.I64, "IntStorage", DType.I32,
            "ShortStorage", DType.I16, "CharStorage", DType.I8, "ByteStorage", DType.U8, "BoolStorage", DType.BOOL);

    private static final Map<String, DType> DTYPES = Map.ofEntries(
            Map.entry("float32", DType.F32), Map.entry("float", DType.F32),
            Map.entry("float16", DType.F16), Map.entry("half", DType.F16),
            Map.entry("bfloat16", DType.BF16),
            Map.entry("float64", DType.F64), Map.entry("double", DType.F64),
            Map.entry("int64", DType.I64), Map.entry("long", DType.I64),
            Map.entry("int32", DType.I32), Map.entry("int", DType.I32),
            Map.entry("int16", DType.I16), Map.entry("short", DType.I16),
            Map.entry("int8", DType.I8), Map.entry("uint8", DType.U8), Map.entry("bool", DType.BOOL));

    /** Real torch dtypes clip4j cannot represent: named so the error says "unsupported", not "refused". */
    private static final Set<String> UNSUPPORTED_DTYPES = Set.of(
            "complex32", "complex64", "complex128", "cfloat", "cdouble", "chalf", "uint16", "uint32", "uint64",
            "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2",
            "qint8", "quint8", "qint32", "quint4x2", "quint2x4", "bits1x8", "bits2x4", "bits4x2", "bits8", "bits16");

    /** Supported element types as torch names them, for error messages. */
    static final String SUPPORTED_DTYPES = "float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool";

    /**
     * The allowed global {@code module.name}, or {@code null} if the pickle may not use it.
     *
     * @throws ModelFormatException for a real torch storage class or dtype clip4j does not support
     */
    static PickleGlobal resolve(String module, String name, String file) {
        String q = module + "." + name;
        Kind kind = switch (q) {
            case "collections.OrderedDict" -> Kind.ORDERED_DICT;
            case "torch.Size" -> Kind.TORCH_SIZE;
            case "torch._utils._rebuild_tensor" -> Kind.REBUILD_TENSOR;
            case "torch._utils._rebuild_tensor_v2" -> Kind.REBUILD_TENSOR_V2;
            case "torch._utils._rebuild_tensor_v3" -> Kind.REBUILD_TENSOR_V3;
            case "torch._utils._rebuild_parameter" -> Kind.REBUILD_PARAMETER;
            case "torch._utils._rebuild_parameter_with_state" -> Kind.REBUILD_PARAMETER_WITH_STATE;
            // Python 3 pickles bytes at protocol 2 as _codecs.encode(str, 'latin1'); only that use is allowed.
            case "_codecs.encode" -> Kind.CODECS_ENCODE;
            // torch >= 2 names untyped storages in the persistent ids of _rebuild_tensor_v3 tensors.
            case "torch.UntypedStorage", "torch.storage.UntypedStorage" -> Kind.UNTYPED_STORAGE;
            default -> null;
        };
        if (kind != null) {
            return new PickleGlobal(q, kind, null);
        }
        if (!module.equals("torch")) {
            return null;
        }
        DType storage = STORAGE_TYPES.get(name);
        if (storage != null) {
            return new PickleGlobal(q, Kind.STORAGE_TYPE, storage);
        }
        DType dtype = DTYPES.get(name);
        if (dtype != null) {
            return new PickleGlobal(q, Kind.DTYPE, dtype);
        }
        if (UNSUPPORTED_DTYPES.contains(name) || name.matches("(Complex|QU?Int|Bits|Float8|UInt)[A-Za-z0-9_]*Storage")) {
            throw new ModelFormatException(file + ": unsupported tensor type " + q + " (supported: " + SUPPORTED_DTYPES + ")");
        }
        return null;
    }

    /**
     * The allowed global {@code module.name} in the {@code data.pkl} of a TorchScript archive
     * ({@code torch.jit.save}), or {@code null}: everything {@link #resolve} allows, the TorchScript
     * classes of the archive itself ({@code __torch__.*}, with identifier-only names so that they map to
     * a {@code code/} entry and print safely), and the container markers of {@code torch.jit._pickle}
     * that torch's own pickler writes for typed lists and dicts. The other {@code torch.jit._pickle}
     * functions (tensor-table references) and custom C++ classes' constructors stay refused.
     *
     * @throws ModelFormatException for a real torch storage class or dtype clip4j does not support
     */
    static PickleGlobal resolveTorchScript(String module, String name, String file) {
        String q = module + "." + name;
        if (module.equals("__torch__") || module.startsWith("__torch__.")) {
            return SCRIPT_MODULE.matcher(module).matches() && IDENTIFIER.matcher(name).matches()
                    ? new PickleGlobal(q, Kind.SCRIPT_CLASS, null) : null;
        }
        Kind kind = switch (q) {
            case "torch.jit._pickle.build_intlist" -> Kind.BUILD_INTLIST;
            case "torch.jit._pickle.build_doublelist" -> Kind.BUILD_DOUBLELIST;
            case "torch.jit._pickle.build_boollist" -> Kind.BUILD_BOOLLIST;
            case "torch.jit._pickle.build_tensorlist" -> Kind.BUILD_TENSORLIST;
            case "torch.jit._pickle.restore_type_tag" -> Kind.RESTORE_TYPE_TAG;
            default -> null;
        };
        return kind != null ? new PickleGlobal(q, kind, null) : resolve(module, name, file);
    }

    @Override
    public String toString() {
        return qualifiedName;
    }
}
