package io.clip4j.weights;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Gathers a strided tensor view into contiguous row-major memory, and fixes byte order in place. */
final class StridedCopy {

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private StridedCopy() {
    }

    /**
     * Copies the view {@code (offset, shape, stride)} (in elements of {@code elementSize} bytes) of
     * {@code src} into {@code dst}, which must hold exactly the view's elements. The view must lie inside
     * {@code src}; callers check that first.
     */
    static void gather(MemorySegment src, long offset, long[] shape, long[] stride, int elementSize, MemorySegment dst) {
        int rank = shape.length;
        long outer = 1;
        for (int i = 0; i < rank - 1; i++) {
            outer *= shape[i];
        }
        long inner = rank == 0 ? 1 : shape[rank - 1];
        long innerStride = rank == 0 ? 1 : stride[rank - 1];
        if (outer == 0 || inner == 0) {
            return;
        }
        // An odometer over the outer dimensions keeps this iterative for any rank.
        long[] index = new long[Math.max(rank - 1, 0)];
        long base = offset;
        long out = 0;
        long rowBytes = inner * elementSize;
        for (long row = 0; row < outer; row++) {
            if (innerStride == 1) {
                MemorySegment.copy(src, base * elementSize, dst, out, rowBytes);
            } else {
                copyStrided(src, base, innerStride, inner, elementSize, dst, out);
            }
            out += rowBytes;
            for (int d = rank - 2; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    base += stride[d];
                    break;
                }
                base -= (shape[d] - 1) * stride[d];
                index[d] = 0;
            }
        }
    }

    private static void copyStrided(MemorySegment src, long first, long step, long count, int size,
                                    MemorySegment dst, long out) {
        long s = first * size;
        long sStep = step * size;
        switch (size) {
            case 1 -> {
                for (long i = 0; i < count; i++, s += sStep) {
                    dst.set(ValueLayout.JAVA_BYTE, out + i, src.get(ValueLayout.JAVA_BYTE, s));
                }
            }
            case 2 -> {
                for (long i = 0; i < count; i++, s += sStep) {
                    dst.set(I16, out + 2 * i, src.get(I16, s));
                }
            }
            case 4 -> {
                for (long i = 0; i < count; i++, s += sStep) {
                    dst.set(I32, out + 4 * i, src.get(I32, s));
                }
            }
            case 8 -> {
                for (long i = 0; i < count; i++, s += sStep) {
                    dst.set(I64, out + 8 * i, src.get(I64, s));
                }
            }
            default -> throw new IllegalArgumentException("element size " + size);
        }
    }

    /** Reverses the bytes of every element of {@code seg} (big-endian checkpoint to little-endian). */
    static void swapBytes(MemorySegment seg, int elementSize) {
        long n = seg.byteSize() / elementSize;
        switch (elementSize) {
            case 1 -> {
            }
            case 2 -> {
                for (long i = 0; i < n; i++) {
                    seg.set(I16, 2 * i, Short.reverseBytes(seg.get(I16, 2 * i)));
                }
            }
            case 4 -> {
                for (long i = 0; i < n; i++) {
                    seg.set(I32, 4 * i, Integer.reverseBytes(seg.get(I32, 4 * i)));
                }
            }
            case 8 -> {
                for (long i = 0; i < n; i++) {
                    seg.set(I64, 8 * i, Long.reverseBytes(seg.get(I64, 8 * i)));
                }
            }
            default -> throw new IllegalArgumentException("element size " + elementSize);
        }
    }
}
