package io.clip4j.image;

import java.util.Objects;

/**
 * Image resizing that reproduces Pillow 9.4's {@code Image.resize} bit for bit on 8-bit images.
 *
 * <p>Convolution filters follow {@code libImaging/Resample.c}: for each output pixel the filter is
 * centred at {@code (x + 0.5) * scale}, its support widened by the reduction factor when downscaling
 * (antialiasing), the weights normalised to sum 1 in double precision and then converted to fixed
 * point with 22 fractional bits. The horizontal pass runs first, then the vertical one; each rounds
 * (adds half) and clamps to 0..255. A pass is skipped when its dimension does not change, and the
 * horizontal pass only computes the source rows the vertical pass will read.
 *
 * <p>NEAREST follows {@code Geometry.c ImagingScaleAffine} (source coordinate accumulated in double
 * precision and truncated). As in {@code Image.resize}: a same-size resize returns a copy, palette and
 * bilevel images are always resized with NEAREST, and LA/RGBA images are resized premultiplied (La,
 * RGBa) with PIL's exact premultiply and unpremultiply arithmetic.
 *
 * <p>All methods are stateless and thread-safe; the only allocations are the coefficient tables and
 * the intermediate and output buffers.
 */
public final class PilResize {

    /** Fractional bits of the fixed-point coefficients ({@code PRECISION_BITS} in Resample.c). */
    static final int PRECISION_BITS = 32 - 8 - 2;
    static final int HALF = 1 << (PRECISION_BITS - 1);

    /** Pillow's and libjpeg's loops: the reference {@link ImageKernels}. */
    static final ImageKernels SCALAR_KERNELS = new ImageKernels() {
        @Override
        public String name() {
            return "scalar";
        }

        @Override
        public byte[] horizontal(byte[] src, int srcWidth, int channels, int firstRow, int rows, int width,
                                 Coefficients co) {
            byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, rows), channels)];
            horizontalRows(src, srcWidth, channels, firstRow, 0, rows, width, co, out);
            return out;
        }

        @Override
        public byte[] vertical(byte[] src, int width, int channels, int srcRows, int rowOffset, int height,
                               Coefficients co) {
            return verticalPass(src, width, channels, srcRows, rowOffset, height, co);
        }

        @Override
        public void yccToRgbInPlace(byte[] px) {
            JpegDecoder.yccToRgbInPlace(px, 0, px.length / 3);
        }
    };

    private PilResize() {
    }

    /**
     * {@code image.resize((width, height), filter)} with PIL's mode rules (see class comment).
     *
     * @return a new image of the same mode (and palette); never {@code image} itself
     */
    public static DecodedImage resize(DecodedImage image, int width, int height, Resample filter) {
        return resize(image, width, height, filter, ImageKernels.get());
    }

    /** {@link #resize(DecodedImage, int, int, Resample)} with the given convolution passes (for tests). */
    static DecodedImage resize(DecodedImage image, int width, int height, Resample filter, ImageKernels passes) {
        Objects.requireNonNull(filter, "filter");
        checkSize(width, height);
        int c = image.mode().channels();
        if (width == image.width() && height == image.height()) {
            return image.withPixels(width, height, image.pixels().clone());
        }
        ImageMode mode = image.mode();
        if (filter == Resample.NEAREST || mode == ImageMode.P || mode == ImageMode.BILEVEL) {
            return image.withPixels(width, height,
                    nearest(image.pixels(), image.width(), image.height(), c, width, height));
        }
        if (mode.hasAlpha()) {
            byte[] premultiplied = PilConvert.premultiply(image.pixels(), c);
            byte[] out = resample(premultiplied, image.width(), image.height(), c, width, height, filter, passes);
            PilConvert.unpremultiplyInPlace(out, c);
            return image.withPixels(width, height, out);
        }
        return image.withPixels(width, height,
                resample(image.pixels(), image.width(), image.height(), c, width, height, filter, passes));
    }

    /**
     * Pillow's {@code ImagingResample} on raw interleaved 8-bit samples, treating every channel
     * independently (no premultiplication). Same-size input is copied.
     *
     * @param channels bytes per pixel (1 to 4)
     * @param filter   any filter except {@link Resample#NEAREST} (use {@link #nearest})
     */
    public static byte[] resample(byte[] src, int srcWidth, int srcHeight, int channels,
                                  int width, int height, Resample filter) {
        return resample(src, srcWidth, srcHeight, channels, width, height, filter, ImageKernels.get());
    }

    static byte[] resample(byte[] src, int srcWidth, int srcHeight, int channels,
                           int width, int height, Resample filter, ImageKernels passes) {
        if (filter == Resample.NEAREST) {
            throw new IllegalArgumentException("NEAREST is not a convolution filter; use nearest()");
        }
        checkSize(width, height);
        checkBuffer(src, srcWidth, srcHeight, channels);
        boolean needHorizontal = width != srcWidth;
        boolean needVertical = height != srcHeight;
        if (!needHorizontal && !needVertical) {
            return src.clone();
        }
        Coefficients vertical = Coefficients.compute(srcHeight, height, filter);
        byte[] current = src;
        int currentHeight = srcHeight;
        int rowOffset = 0;
        if (needHorizontal) {
            // Only the rows the vertical pass reads are resampled horizontally (as Pillow does).
            int first = needVertical ? vertical.first() : 0;
            int last = needVertical ? vertical.last() : srcHeight;
            Coefficients horizontal = Coefficients.compute(srcWidth, width, filter);
            current = passes.horizontal(src, srcWidth, channels, first, last - first, width, horizontal);
            currentHeight = last - first;
            rowOffset = first;
        }
        if (needVertical) {
            current = passes.vertical(current, width, channels, currentHeight, rowOffset, height, vertical);
        }
        return current;
    }

    /**
     * Pillow's NEAREST resize ({@code ImagingScaleAffine}): output pixel x takes source column
     * {@code (int) xo} where {@code xo} starts at {@code scale / 2} and is accumulated by adding
     * {@code scale = srcWidth / width} (in double precision, like Pillow; the accumulation order matters
     * at exact boundaries). Rows likewise.
     */
    public static byte[] nearest(byte[] src, int srcWidth, int srcHeight, int channels, int width, int height) {
        checkSize(width, height);
        checkBuffer(src, srcWidth, srcHeight, channels);
        double ax = (double) srcWidth / width;
        double ay = (double) srcHeight / height;
        int[] xTable = new int[width];
        double xo = ax * 0.5;
        for (int x = 0; x < width; x++) {
            xTable[x] = xo < 0.0 ? -1 : (int) xo;
            xo += ax;
        }
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), channels)];
        double yo = ay * 0.5;
        for (int y = 0; y < height; y++) {
            int yi = yo < 0.0 ? -1 : (int) yo;
            yo += ay;
            if (yi < 0 || yi >= srcHeight) {
                continue; // Pillow leaves such rows zero-filled; cannot happen for a full-image box
            }
            int inRow = yi * srcWidth;
            int outBase = y * width * channels;
            for (int x = 0; x < width; x++) {
                int xi = xTable[x];
                if (xi >= 0 && xi < srcWidth) {
                    int s = (inRow + xi) * channels;
                    int d = outBase + x * channels;
                    for (int ch = 0; ch < channels; ch++) {
                        out[d + ch] = src[s + ch];
                    }
                }
            }
        }
        return out;
    }

    /**
     * Horizontal pass of rows {@code rowFrom .. rowTo - 1} (counted from {@code firstRow}) into {@code out},
     * which holds the pass's rows from {@code firstRow} on.
     */
    static void horizontalRows(byte[] src, int srcWidth, int channels, int firstRow, int rowFrom, int rowTo,
                               int width, Coefficients co, byte[] out) {
        int[] bounds = co.bounds;
        int[] kk = co.kernel;
        int ksize = co.ksize;
        int srcStride = srcWidth * channels;
        int outStride = width * channels;
        for (int y = rowFrom; y < rowTo; y++) {
            int inRow = (y + firstRow) * srcStride;
            int outRow = y * outStride;
            switch (channels) {
                case 1 -> {
                    for (int xx = 0; xx < width; xx++) {
                        int xmin = bounds[2 * xx];
                        int n = bounds[2 * xx + 1];
                        int kb = xx * ksize;
                        int ss = HALF;
                        int p = inRow + xmin;
                        for (int x = 0; x < n; x++) {
                            ss += (src[p + x] & 255) * kk[kb + x];
                        }
                        out[outRow + xx] = clip8(ss);
                    }
                }
                case 3 -> {
                    for (int xx = 0; xx < width; xx++) {
                        int xmin = bounds[2 * xx];
                        int n = bounds[2 * xx + 1];
                        int kb = xx * ksize;
                        int s0 = HALF;
                        int s1 = HALF;
                        int s2 = HALF;
                        int p = inRow + xmin * 3;
                        for (int x = 0; x < n; x++, p += 3) {
                            int k = kk[kb + x];
                            s0 += (src[p] & 255) * k;
                            s1 += (src[p + 1] & 255) * k;
                            s2 += (src[p + 2] & 255) * k;
                        }
                        int d = outRow + xx * 3;
                        out[d] = clip8(s0);
                        out[d + 1] = clip8(s1);
                        out[d + 2] = clip8(s2);
                    }
                }
                default -> {
                    int[] ss = new int[channels];
                    for (int xx = 0; xx < width; xx++) {
                        int xmin = bounds[2 * xx];
                        int n = bounds[2 * xx + 1];
                        int kb = xx * ksize;
                        java.util.Arrays.fill(ss, HALF);
                        int p = inRow + xmin * channels;
                        for (int x = 0; x < n; x++, p += channels) {
                            int k = kk[kb + x];
                            for (int ch = 0; ch < channels; ch++) {
                                ss[ch] += (src[p + ch] & 255) * k;
                            }
                        }
                        int d = outRow + xx * channels;
                        for (int ch = 0; ch < channels; ch++) {
                            out[d + ch] = clip8(ss[ch]);
                        }
                    }
                }
            }
        }
    }

    /** Vertical pass; {@code rowOffset} is the source row that {@code src} row 0 corresponds to. */
    static byte[] verticalPass(byte[] src, int width, int channels, int srcRows, int rowOffset,
                                       int height, Coefficients co) {
        int stride = width * channels;
        byte[] out = new byte[Math.multiplyExact(stride, height)];
        int[] acc = new int[stride];
        int[] bounds = co.bounds;
        int[] kk = co.kernel;
        int ksize = co.ksize;
        for (int yy = 0; yy < height; yy++) {
            int ymin = bounds[2 * yy] - rowOffset;
            int n = bounds[2 * yy + 1];
            if (ymin < 0 || ymin + n > srcRows) {
                throw new IllegalStateException("vertical window outside the resampled rows");
            }
            java.util.Arrays.fill(acc, HALF);
            int kb = yy * ksize;
            // Row-wise accumulation: integer sums are order-independent, so this equals Pillow's
            // per-pixel loop while reading memory sequentially.
            for (int y = 0; y < n; y++) {
                int k = kk[kb + y];
                if (k == 0) {
                    continue;
                }
                int p = (ymin + y) * stride;
                for (int i = 0; i < stride; i++) {
                    acc[i] += (src[p + i] & 255) * k;
                }
            }
            int o = yy * stride;
            for (int i = 0; i < stride; i++) {
                out[o + i] = clip8(acc[i]);
            }
        }
        return out;
    }

    static byte clip8(int ss) {
        int v = ss >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    private static void checkSize(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("target size must be positive: " + width + "x" + height);
        }
    }

    private static void checkBuffer(byte[] src, int w, int h, int channels) {
        if (w < 1 || h < 1 || channels < 1 || channels > 4 || (long) w * h * channels != src.length) {
            throw new IllegalArgumentException("buffer of " + src.length + " bytes does not hold a " + w + "x" + h
                    + " image with " + channels + " channels");
        }
    }

    /**
     * Per-output-pixel filter windows: {@code bounds[2i]} = first source index, {@code bounds[2i+1]} =
     * number of taps; {@code kernel[i * ksize + t]} = fixed-point weight of tap t.
     */
    static final class Coefficients {
        final int ksize;
        final int[] bounds;
        final int[] kernel;

        private Coefficients(int ksize, int[] bounds, int[] kernel) {
            this.ksize = ksize;
            this.bounds = bounds;
            this.kernel = kernel;
        }

        int first() {
            return bounds[0];
        }

        int last() {
            int n = bounds.length / 2;
            return bounds[2 * n - 2] + bounds[2 * n - 1];
        }

        /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
        static Coefficients compute(int inSize, int outSize, Resample filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support() * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] bounds = new int[outSize * 2];
            int[] kernel = new int[Math.multiplyExact(outSize, ksize)];
            double[] w = new double[ksize];
            double ss = 1.0 / filterScale;
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                // (int) truncates toward zero, exactly like the C cast Pillow uses to "round".
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                xmax -= xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    double v = filter.kernel((x + xmin - center + 0.5) * ss);
                    w[x] = v;
                    ww += v;
                }
                for (int x = 0; x < xmax; x++) {
                    double k = ww != 0.0 ? w[x] / ww : w[x];
                    kernel[xx * ksize + x] = k < 0
                            ? (int) (-0.5 + k * (1 << PRECISION_BITS))
                            : (int) (0.5 + k * (1 << PRECISION_BITS));
                }
                bounds[2 * xx] = xmin;
                bounds[2 * xx + 1] = xmax;
            }
            return new Coefficients(ksize, bounds, kernel);
        }
    }
}
