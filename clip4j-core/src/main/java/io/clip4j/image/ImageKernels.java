package io.clip4j.image;

import java.lang.System.Logger;
import java.util.Locale;

/**
 * The per-pixel loops of image decoding and preprocessing, as a seam: the two convolution passes of
 * {@link PilResize} and libjpeg's YCbCr to RGB conversion. {@link #scalar()} is the reference (Pillow's and
 * libjpeg's loops, in {@link PilResize} and {@link JpegDecoder}); {@link #get()} is the fastest implementation this
 * JVM has, which must give the same bytes.
 *
 * <p>Selection follows the tensor kernels: system property {@code clip4j.kernels=scalar} forces the reference;
 * otherwise the Vector API kernels ({@code VectorImageKernels}) are used when the {@code jdk.incubator.vector}
 * module is present and the int vector species (see {@code clip4j.vector.bits}) has at least 8 lanes.
 */
interface ImageKernels {

    /** A short name for logs and benchmarks, e.g. {@code vector-512} or {@code scalar}. */
    String name();

    /**
     * Horizontal pass over source rows {@code firstRow .. firstRow + rows - 1} of an interleaved image
     * {@code srcWidth} pixels wide: returns {@code rows} rows of {@code width} pixels.
     */
    byte[] horizontal(byte[] src, int srcWidth, int channels, int firstRow, int rows, int width,
                      PilResize.Coefficients co);

    /**
     * Vertical pass: {@code src} holds {@code srcRows} rows of {@code width} pixels, its row 0 being source row
     * {@code rowOffset}; returns {@code height} rows.
     */
    byte[] vertical(byte[] src, int width, int channels, int srcRows, int rowOffset, int height,
                    PilResize.Coefficients co);

    /** libjpeg's {@code ycc_rgb_convert} on interleaved Y, Cb, Cr bytes, in place. */
    void yccToRgbInPlace(byte[] px);

    static ImageKernels get() {
        return Selection.DEFAULT;
    }

    static ImageKernels scalar() {
        return PilResize.SCALAR_KERNELS;
    }

    /** Holder for the one-time selection. */
    final class Selection {
        private static final Logger LOG = System.getLogger("io.clip4j");
        static final ImageKernels DEFAULT = select();

        private Selection() {
        }

        private static ImageKernels select() {
            if (System.getProperty("clip4j.kernels", "auto").toLowerCase(Locale.ROOT).equals("scalar")
                    || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return scalar();
            }
            try {
                Class<?> c = Class.forName("io.clip4j.image.VectorImageKernels");
                ImageKernels p = (ImageKernels) c.getMethod("createIfUseful").invoke(null);
                return p != null ? p : scalar();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                LOG.log(Logger.Level.INFO, "clip4j: vector resize unavailable (" + e + "); using the scalar one");
                return scalar();
            }
        }
    }
}
