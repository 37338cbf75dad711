package io.clip4j.weights;

import java.util.Map;
import java.util.Set;

/**
 * One of the few Python globals a checkpoint pickle may name. {@link #resolve} is the whole allow-list:
 * anything it does not return is refused by {@link RestrictedUnpickler} before it can be used, so no
 * class is ever looked up or instantiated by name.
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
        DTYPE
    }

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

    @Override
    public String toString() {
        return qualifiedName;
    }
}
