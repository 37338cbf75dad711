package io.clip4j.image;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pillow's two resample passes with the Vector API, giving exactly the bytes of the scalar reference: the same
 * fixed-point coefficients, the same 32-bit integer sums (integer addition is associative, so the order of the
 * terms does not matter), the same rounding constant, shift and clip.
 *
 * <ul>
 *   <li>Vertical pass: every output row uses the same coefficients for all its samples, so the lanes run along
 *       the row.</li>
 *   <li>Horizontal pass: every row uses the same coefficients, so the lanes are {@code L} rows. A block of
 *       {@code L} rows is transposed into a buffer where each source sample column holds its {@code L} rows side
 *       by side (stored minus 128 as signed bytes, so that one sign-extending load widens them; the 128 is added
 *       back through the per-pixel constant {@code HALF + 128 * sum(k)}, which gives the same 32-bit sum); the
 *       results come out transposed and are transposed back. Rows left over (fewer than {@code L}) go through
 *       the scalar loop.</li>
 * </ul>
 * YCbCr to RGB: {@code L} interleaved pixels ({@code 3L} bytes) are loaded as one {@code 4L}-byte vector, split into
 * Y, Cb and Cr by three shuffles, converted in int lanes with the arithmetic that built libjpeg's tables
 * ({@code (FIX(c) * (x - 128) + ONE_HALF) >> 16}, so every value equals the table's), clamped, and interleaved back by
 * one shuffle and two blends.
 *
 * <p>Only loaded through {@link ImageKernels#get()} when {@code jdk.incubator.vector} is present.
 */
final class VectorImageKernels implements ImageKernels {

    /** A compile-time constant species (see {@code VectorKernels}); 8 or 16 int lanes are used. */
    static final VectorSpecies<Integer> INTS = chooseSpecies();
    private static final int L = INTS.length();
    /** L bytes: widened to L ints by one conversion. */
    static final VectorSpecies<Byte> BYTES = L >= 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;

    /** {@code L} pixels of 3 bytes fit in one vector of {@code 4L} bytes. */
    static final VectorSpecies<Byte> PIXEL_BYTES = L >= 16 ? ByteVector.SPECIES_512 : ByteVector.SPECIES_256;
    private static final VectorShuffle<Byte> PICK_0 = VectorShuffle.fromOp(PIXEL_BYTES, i -> i < L ? 3 * i : 0);
    private static final VectorShuffle<Byte> PICK_1 = VectorShuffle.fromOp(PIXEL_BYTES, i -> i < L ? 3 * i + 1 : 0);
    private static final VectorShuffle<Byte> PICK_2 = VectorShuffle.fromOp(PIXEL_BYTES, i -> i < L ? 3 * i + 2 : 0);
    private static final VectorShuffle<Byte> SPREAD = VectorShuffle.fromOp(PIXEL_BYTES, i -> i < 3 * L ? i / 3 : 0);
    private static final VectorMask<Byte> CHANNEL_1 = VectorMask.fromLong(PIXEL_BYTES, channelMask(1));
    private static final VectorMask<Byte> CHANNEL_2 = VectorMask.fromLong(PIXEL_BYTES, channelMask(2));

    private static final VectorImageKernels INSTANCE = new VectorImageKernels();

    private VectorImageKernels() {
    }

    /** The passes, or {@code null} where the int species has fewer than 8 lanes (the scalar loop is as good). */
    public static ImageKernels createIfUseful() {
        return L == 8 || L == 16 ? INSTANCE : null;
    }

    private static long channelMask(int channel) {
        long m = 0;
        for (int i = channel; i < 3 * L; i += 3) {
            m |= 1L << i;
        }
        return m;
    }

    private static VectorSpecies<Integer> chooseSpecies() {
        String bits = System.getProperty("clip4j.vector.bits", "");
        VectorSpecies<Integer> s = switch (bits) {
            case "128" -> IntVector.SPECIES_128;
            case "256" -> IntVector.SPECIES_256;
            case "512" -> IntVector.SPECIES_512;
            default -> IntVector.SPECIES_PREFERRED;
        };
        return s.vectorBitSize() > IntVector.SPECIES_PREFERRED.vectorBitSize() ? IntVector.SPECIES_PREFERRED : s;
    }

    @Override
    public String name() {
        return "vector-" + INTS.vectorBitSize();
    }

    // ---------------------------------------------------------------- horizontal

    @Override
    public byte[] horizontal(byte[] src, int srcWidth, int channels, int firstRow, int rows, int width,
                             PilResize.Coefficients co) {
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, rows), channels)];
        int blocks = rows / L;
        if (blocks > 0) {
            int inCols = srcWidth * channels;
            int outCols = width * channels;
            byte[] tin = new byte[Math.multiplyExact(inCols, L)];
            byte[] tout = new byte[Math.multiplyExact(outCols, L)];
            int[] bias = biases(co, width);
            for (int b = 0; b < blocks; b++) {
                int y0 = b * L;
                transposeIn(src, (firstRow + y0) * inCols, inCols, tin);
                switch (channels) {
                    case 1 -> convolve1(tin, tout, width, co, bias);
                    case 3 -> convolve3(tin, tout, width, co, bias);
                    default -> convolveAny(tin, tout, width, channels, co, bias);
                }
                transposeOut(tout, out, y0 * outCols, outCols);
            }
        }
        PilResize.horizontalRows(src, srcWidth, channels, firstRow, blocks * L, rows, width, co, out);
        return out;
    }

    /** {@code HALF + 128 * sum of the taps} per output pixel: what the samples lose by being stored minus 128. */
    private static int[] biases(PilResize.Coefficients co, int width) {
        int[] bias = new int[width];
        for (int xx = 0; xx < width; xx++) {
            int sum = 0;
            for (int t = 0; t < co.bounds[2 * xx + 1]; t++) {
                sum += co.kernel[xx * co.ksize + t];
            }
            bias[xx] = PilResize.HALF + 128 * sum;
        }
        return bias;
    }

    /** {@code t[col * L + r] = src[off + r * cols + col] - 128} for the block's L rows. */
    private static void transposeIn(byte[] src, int off, int cols, byte[] t) {
        for (int r = 0; r < L; r++) {
            int p = off + r * cols;
            for (int col = 0, q = r; col < cols; col++, q += L) {
                t[q] = (byte) (src[p + col] ^ 0x80);
            }
        }
    }

    /** The inverse layout for the results: {@code out[off + r * cols + col] = t[col * L + r]}. */
    private static void transposeOut(byte[] t, byte[] out, int off, int cols) {
        for (int r = 0; r < L; r++) {
            int p = off + r * cols;
            for (int col = 0, q = r; col < cols; col++, q += L) {
                out[p + col] = t[q];
            }
        }
    }

    private static IntVector load(byte[] a, int off) {
        return (IntVector) ByteVector.fromArray(BYTES, a, off).convertShape(VectorOperators.B2I, INTS, 0);
    }

    /** Pillow's {@code clip8}: shift, clamp to 0..255, stored as L bytes. */
    private static void store(IntVector acc, byte[] a, int off) {
        ((ByteVector) acc.lanewise(VectorOperators.ASHR, PilResize.PRECISION_BITS).max(0).min(255)
                .convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(a, off);
    }

    private static void convolve1(byte[] tin, byte[] tout, int width, PilResize.Coefficients co, int[] bias) {
        int[] bounds = co.bounds;
        int[] kk = co.kernel;
        int ksize = co.ksize;
        for (int xx = 0; xx < width; xx++) {
            int n = bounds[2 * xx + 1];
            int kb = xx * ksize;
            int p = bounds[2 * xx] * L;
            IntVector acc = IntVector.broadcast(INTS, bias[xx]);
            for (int t = 0; t < n; t++, p += L) {
                acc = acc.add(load(tin, p).mul(kk[kb + t]));
            }
            store(acc, tout, xx * L);
        }
    }

    private static void convolve3(byte[] tin, byte[] tout, int width, PilResize.Coefficients co, int[] bias) {
        int[] bounds = co.bounds;
        int[] kk = co.kernel;
        int ksize = co.ksize;
        for (int xx = 0; xx < width; xx++) {
            int n = bounds[2 * xx + 1];
            int kb = xx * ksize;
            int p = bounds[2 * xx] * 3 * L;
            IntVector a0 = IntVector.broadcast(INTS, bias[xx]);
            IntVector a1 = a0;
            IntVector a2 = a0;
            for (int t = 0; t < n; t++, p += 3 * L) {
                int k = kk[kb + t];
                a0 = a0.add(load(tin, p).mul(k));
                a1 = a1.add(load(tin, p + L).mul(k));
                a2 = a2.add(load(tin, p + 2 * L).mul(k));
            }
            int o = xx * 3 * L;
            store(a0, tout, o);
            store(a1, tout, o + L);
            store(a2, tout, o + 2 * L);
        }
    }

    private static void convolveAny(byte[] tin, byte[] tout, int width, int channels, PilResize.Coefficients co,
                                    int[] bias) {
        int[] bounds = co.bounds;
        int[] kk = co.kernel;
        int ksize = co.ksize;
        int step = channels * L;
        for (int xx = 0; xx < width; xx++) {
            int n = bounds[2 * xx + 1];
            int kb = xx * ksize;
            for (int ch = 0; ch < channels; ch++) {
                int p = (bounds[2 * xx] * channels + ch) * L;
                IntVector acc = IntVector.broadcast(INTS, bias[xx]);
                for (int t = 0; t < n; t++, p += step) {
                    acc = acc.add(load(tin, p).mul(kk[kb + t]));
                }
                store(acc, tout, (xx * channels + ch) * L);
            }
        }
    }

    // ---------------------------------------------------------------- vertical

    @Override
    public byte[] vertical(byte[] src, int width, int channels, int srcRows, int rowOffset, int height,
                           PilResize.Coefficients co) {
        int stride = width * channels;
        byte[] out = new byte[Math.multiplyExact(stride, height)];
        int[] bounds = co.bounds;
        int[] kk = co.kernel;
        int ksize = co.ksize;
        int vecEnd = stride - stride % L;
        for (int yy = 0; yy < height; yy++) {
            int ymin = bounds[2 * yy] - rowOffset;
            int n = bounds[2 * yy + 1];
            if (ymin < 0 || ymin + n > srcRows) {
                throw new IllegalStateException("vertical window outside the resampled rows");
            }
            int kb = yy * ksize;
            int o = yy * stride;
            int i = 0;
            for (; i + 2 * L <= vecEnd; i += 2 * L) {
                IntVector a0 = IntVector.broadcast(INTS, PilResize.HALF);
                IntVector a1 = a0;
                for (int t = 0, p = ymin * stride + i; t < n; t++, p += stride) {
                    int k = kk[kb + t];
                    a0 = a0.add(loadUnsigned(src, p).mul(k));
                    a1 = a1.add(loadUnsigned(src, p + L).mul(k));
                }
                store(a0, out, o + i);
                store(a1, out, o + i + L);
            }
            for (; i < vecEnd; i += L) {
                IntVector a0 = IntVector.broadcast(INTS, PilResize.HALF);
                for (int t = 0, p = ymin * stride + i; t < n; t++, p += stride) {
                    a0 = a0.add(loadUnsigned(src, p).mul(kk[kb + t]));
                }
                store(a0, out, o + i);
            }
            for (; i < stride; i++) {
                int ss = PilResize.HALF;
                for (int t = 0, p = ymin * stride + i; t < n; t++, p += stride) {
                    ss += (src[p] & 255) * kk[kb + t];
                }
                out[o + i] = PilResize.clip8(ss);
            }
        }
        return out;
    }

    private static IntVector loadUnsigned(byte[] a, int off) {
        return load(a, off).and(255);
    }

    // ---------------------------------------------------------------- colour

    @Override
    public void yccToRgbInPlace(byte[] px) {
        int n = px.length / 3;
        // Groups of L pixels whose 4L-byte load stays inside the array.
        int groups = px.length >= 4 * L ? (px.length - 4 * L) / (3 * L) + 1 : 0;
        if (groups == 0) {
            JpegDecoder.yccToRgbInPlace(px, 0, n);
            return;
        }
        // Each group's 4L-byte store also writes the L bytes after it: the next group is loaded before, and the
        // first L bytes after the last group (still to be converted by the scalar loop) are put back afterwards.
        int tail = groups * 3 * L;
        byte[] saved = java.util.Arrays.copyOfRange(px, tail, tail + L);
        ByteVector next = ByteVector.fromArray(PIXEL_BYTES, px, 0);
        for (int g = 0; g < groups; g++) {
            ByteVector v = next;
            if (g + 1 < groups) {
                next = ByteVector.fromArray(PIXEL_BYTES, px, (g + 1) * 3 * L);
            }
            IntVector y = widen(v.rearrange(PICK_0));
            IntVector cb = widen(v.rearrange(PICK_1)).sub(128);
            IntVector cr = widen(v.rearrange(PICK_2)).sub(128);
            IntVector r = y.add(cr.mul(JpegDecoder.FIX_CR_R).add(JpegDecoder.ONE_HALF)
                    .lanewise(VectorOperators.ASHR, JpegDecoder.SCALEBITS));
            IntVector gr = y.add(cb.mul(-JpegDecoder.FIX_CB_G).add(JpegDecoder.ONE_HALF)
                    .add(cr.mul(-JpegDecoder.FIX_CR_G)).lanewise(VectorOperators.ASHR, JpegDecoder.SCALEBITS));
            IntVector b = y.add(cb.mul(JpegDecoder.FIX_CB_B).add(JpegDecoder.ONE_HALF)
                    .lanewise(VectorOperators.ASHR, JpegDecoder.SCALEBITS));
            narrow(r).rearrange(SPREAD)
                    .blend(narrow(gr).rearrange(SPREAD), CHANNEL_1)
                    .blend(narrow(b).rearrange(SPREAD), CHANNEL_2)
                    .intoArray(px, g * 3 * L);
        }
        System.arraycopy(saved, 0, px, tail, L);
        JpegDecoder.yccToRgbInPlace(px, groups * L, n - groups * L);
    }

    /** The first L bytes as unsigned ints. */
    private static IntVector widen(ByteVector v) {
        return ((IntVector) v.convertShape(VectorOperators.B2I, INTS, 0)).and(255);
    }

    /** Clamped to 0..255, as the first L bytes of a pixel vector. */
    private static ByteVector narrow(IntVector v) {
        return (ByteVector) v.max(0).min(255).convertShape(VectorOperators.I2B, PIXEL_BYTES, 0);
    }
}
