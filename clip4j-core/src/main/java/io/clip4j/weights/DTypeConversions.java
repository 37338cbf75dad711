package io.clip4j.weights;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Element-type conversions from little-endian stored bytes. */
public final class DTypeConversions {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private DTypeConversions() {
    }

    /** bfloat16 bits to float: the upper half of an IEEE float. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    public static float[] toFloats(TensorInfo info, MemorySegment seg, Path file) {
        long n = checkedCount(info, seg, file);
        float[] out = new float[(int) n];
        switch (info.dtype()) {
            case F32 -> MemorySegment.copy(seg, F32, 0, out, 0, out.length);
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.float16ToFloat(seg.get(I16, 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = bf16ToFloat(seg.get(I16, 2L * i));
                }
            }
            case F64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) seg.get(F64, 8L * i);
                }
            }
            case I64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = seg.get(I64, 8L * i);
                }
            }
            case I32 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = seg.get(I32, 4L * i);
                }
            }
            case I16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = seg.get(I16, 2L * i);
                }
            }
            case I8 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = seg.get(ValueLayout.JAVA_BYTE, i);
                }
            }
            case U8, BOOL -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = seg.get(ValueLayout.JAVA_BYTE, i) & 0xff;
                }
            }
        }
        return out;
    }

    public static long[] toLongs(TensorInfo info, MemorySegment seg, Path file) {
        long n = checkedCount(info, seg, file);
        long[] out = new long[(int) n];
        switch (info.dtype()) {
            case I64 -> MemorySegment.copy(seg, I64, 0, out, 0, out.length);
            case I32 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = seg.get(I32, 4L * i);
                }
            }
            case I16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = seg.get(I16, 2L * i);
                }
            }
            case I8 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = seg.get(ValueLayout.JAVA_BYTE, i);
                }
            }
            case U8, BOOL -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = seg.get(ValueLayout.JAVA_BYTE, i) & 0xff;
                }
            }
            default -> throw new ModelFormatException(file.getFileName() + ": tensor '" + info.name()
                    + "' has dtype " + info.dtype() + ", expected an integer type");
        }
        return out;
    }

    private static long checkedCount(TensorInfo info, MemorySegment seg, Path file) {
        long n = info.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file.getFileName() + ": tensor '" + info.name() + "' has " + n
                    + " elements, more than a Java array holds");
        }
        if (seg.byteSize() != n * info.dtype().byteSize()) {
            throw new ModelFormatException(file.getFileName() + ": tensor '" + info.name() + "' holds "
                    + seg.byteSize() + " bytes, expected " + n * info.dtype().byteSize() + " for "
                    + info.dtype() + info.shapeString());
        }
        return n;
    }
}
