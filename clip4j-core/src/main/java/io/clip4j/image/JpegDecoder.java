package io.clip4j.image;

import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * JPEG decoding that reproduces what PIL gets from libjpeg-turbo (ISLOW IDCT, fancy upsampling).
 *
 * <p>The entropy decoding, IDCT and upsampling are done by ImageIO's JPEG reader, whose native code
 * is IJG libjpeg: its ISLOW IDCT and its h2v1/h2v2 fancy upsampling are bit-identical to
 * libjpeg-turbo's. The raster is read raw ({@code readRaster}, no colour conversion) and this class
 * then does what libjpeg-turbo does differently or what ImageIO would do its own way:
 * <ul>
 *   <li>4:4:0 chroma (full width, half height): IJG 6b replicates rows, libjpeg-turbo applies its
 *       {@code h1v2_fancy_upsample} triangle filter. Replication is lossless, so the downsampled rows
 *       are recovered and the libjpeg-turbo filter applied.</li>
 *   <li>The colour space is decided with libjpeg-turbo's rules (JFIF, Adobe transform, component ids),
 *       and YCbCr to RGB / YCCK to CMYK use its integer tables. No ICC profile is applied (PIL doesn't).</li>
 *   <li>CMYK and YCCK images come out as PIL reports them: always inverted ({@code CMYK;I}, PIL's
 *       "Adobe convention").</li>
 * </ul>
 * Baseline files (the common case) are decoded by {@link BaselineJpegDecoder}, clip4j's own decoder, which gives
 * the same bytes as this ImageIO path and hands every other or damaged file back to it.
 * Any libjpeg warning that means missing or damaged scan data (truncated file, premature end of a
 * data segment, bad Huffman code...) is an error, where PIL would sometimes give a partly grey image.
 */
final class JpegDecoder {

    static final int SCALEBITS = 16;
    static final int ONE_HALF = 1 << (SCALEBITS - 1);
    /** libjpeg's {@code FIX(x)} multipliers of {@code build_ycc_rgb_table}: the tables are these times (c - 128). */
    static final int FIX_CR_R = (int) fix(1.40200);
    static final int FIX_CB_B = (int) fix(1.77200);
    static final int FIX_CR_G = (int) fix(0.71414);
    static final int FIX_CB_G = (int) fix(0.34414);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        // jdcolor.c build_ycc_rgb_table
        for (int i = 0, x = -128; i < 256; i++, x++) {
            CR_R[i] = (int) ((fix(1.40200) * x + ONE_HALF) >> SCALEBITS);
            CB_B[i] = (int) ((fix(1.77200) * x + ONE_HALF) >> SCALEBITS);
            CR_G[i] = (int) (-fix(0.71414) * x);
            CB_G[i] = (int) (-fix(0.34414) * x + ONE_HALF);
        }
    }

    /** {@code RANGE_LIMIT[v + LIMIT_OFFSET]} = v clamped to 0..255, for v in -384..639 (libjpeg's range limit). */
    private static final int LIMIT_OFFSET = 384;
    private static final byte[] RANGE_LIMIT = new byte[1024];

    static {
        for (int i = 0; i < RANGE_LIMIT.length; i++) {
            RANGE_LIMIT[i] = (byte) Math.clamp(i - LIMIT_OFFSET, 0, 255);
        }
    }

    private static long fix(double x) {
        return (long) (x * (1L << SCALEBITS) + 0.5);
    }

    /** Warnings that do not mean damaged image data (PIL decodes such files without complaint). */
    private static final List<String> HARMLESS_WARNINGS = List.of("extraneous bytes", "icc", "jfif", "adobe",
            "thumb", "exif", "16 bit dqt");

    private JpegDecoder() {
    }

    /** What libjpeg learns from the markers before the first scan. */
    record Header(int width, int height, int precision, int sofMarker, int[] componentIds, int[] hSamp, int[] vSamp,
                  boolean jfif, boolean adobe, int adobeTransform) {

        int components() {
            return componentIds.length;
        }
    }

    static DecodedImage decode(ImageInputStream in, String name, long maxPixels) throws IOException {
        return decode(in, name, maxPixels, false, null);
    }

    /** System property: {@code imageio} turns off {@link BaselineJpegDecoder} (for benchmarks and comparisons). */
    static final String DECODER_PROPERTY = "clip4j.jpeg.decoder";
    private static final boolean OWN_DECODER =
            !"imageio".equalsIgnoreCase(System.getProperty(DECODER_PROPERTY, "clip4j"));
    /**
     * Files above this size are not buffered for {@link BaselineJpegDecoder} when they come as a stream (a file
     * path): ImageIO streams them as before. Camera JPEGs are a few MB.
     */
    private static final long MAX_BUFFERED = 64L << 20;

    static DecodedImage decode(ImageInputStream in, String name, long maxPixels, boolean reference) throws IOException {
        return decode(in, name, maxPixels, reference, null);
    }

    /**
     * @param reference {@code true} for the plain reference path (every band copied to a plane, converted with
     *                  the lookup tables into a new array), against which the fast paths are tested
     */
    static DecodedImage decode(ImageInputStream in, String name, long maxPixels, boolean reference, byte[] data)
            throws IOException {
        Header h = readHeader(in, name);
        ImageIoSupport.checkPixels(name, "image", h.width(), h.height(), maxPixels);
        int nc = h.components();
        if (nc != 1 && nc != 3 && nc != 4) {
            throw new ImageDecodeException(name + ": JPEG with " + nc + " components is not supported");
        }
        if (!reference && OWN_DECODER && nc != 4 && (h.sofMarker() == 0xC0 || h.sofMarker() == 0xC1)) {
            if (data == null) {
                long len = in.length();
                if (len > 0 && len <= MAX_BUFFERED) {
                    data = new byte[(int) len];
                    in.seek(0);
                    in.readFully(data);
                }
            }
            if (data != null) {
                DecodedImage own = BaselineJpegDecoder.tryDecode(data, h);
                if (own != null) {
                    return own;
                }
            }
        }
        in.seek(0);
        ImageReader reader = ImageIoSupport.reader("jpeg", name);
        Raster raster;
        List<String> warnings;
        try {
            warnings = ImageIoSupport.attach(reader, in);
            ImageIoSupport.guardedSize(reader, name, maxPixels);
            raster = reader.readRaster(0, null);
        } finally {
            reader.dispose();
        }
        for (String w : warnings) {
            String lw = w.toLowerCase(Locale.ROOT);
            if (HARMLESS_WARNINGS.stream().noneMatch(lw::contains)) {
                throw new ImageDecodeException(name + ": corrupt or truncated JPEG (" + w + ")");
            }
        }
        int w = h.width();
        int ht = h.height();
        if (raster.getWidth() != w || raster.getHeight() != ht || raster.getNumBands() != nc) {
            throw new ImageDecodeException(name + ": JPEG decoder returned " + raster.getWidth() + "x"
                    + raster.getHeight() + "x" + raster.getNumBands() + ", header says " + w + "x" + ht + "x" + nc);
        }
        if (!reference && nc != 4 && !hasH1V2Component(h)) {
            byte[] interleaved = interleavedBytes(raster);
            if (interleaved != null) {
                // The usual case: convert the reader's own buffer in place, no plane copies.
                if (nc == 1) {
                    return new DecodedImage(w, ht, ImageMode.L, interleaved, null, "JPEG");
                }
                if (isYcc(h)) {
                    ImageKernels.get().yccToRgbInPlace(interleaved);
                }
                return new DecodedImage(w, ht, ImageMode.RGB, interleaved, null, "JPEG");
            }
        }
        byte[][] planes = new byte[nc][];
        for (int c = 0; c < nc; c++) {
            planes[c] = plane(raster, c);
        }
        fixH1V2Upsampling(h, planes);
        return switch (nc) {
            case 1 -> new DecodedImage(w, ht, ImageMode.L, planes[0], null, "JPEG");
            case 3 -> new DecodedImage(w, ht, ImageMode.RGB, toRgb(h, planes), null, "JPEG");
            default -> new DecodedImage(w, ht, ImageMode.CMYK, toPilCmyk(h, planes), null, "JPEG");
        };
    }

    /**
     * The raster's own buffer when it is exactly {@code width * height} pixels of {@code bands} interleaved
     * bytes in band order, no padding (what ImageIO's JPEG reader allocates); otherwise {@code null}.
     */
    private static byte[] interleavedBytes(Raster raster) {
        int nb = raster.getNumBands();
        if (!(raster.getDataBuffer() instanceof DataBufferByte db) || db.getNumBanks() != 1 || db.getOffset() != 0
                || !(raster.getSampleModel() instanceof ComponentSampleModel sm)
                || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0
                || sm.getPixelStride() != nb || sm.getScanlineStride() != raster.getWidth() * nb) {
            return null;
        }
        int[] offsets = sm.getBandOffsets();
        int[] banks = sm.getBankIndices();
        for (int b = 0; b < nb; b++) {
            if (offsets[b] != b || banks[b] != 0) {
                return null;
            }
        }
        byte[] data = db.getData();
        return data.length == (long) raster.getWidth() * raster.getHeight() * nb ? data : null;
    }

    private static boolean hasH1V2Component(Header h) {
        int hMax = 0;
        int vMax = 0;
        for (int c = 0; c < h.components(); c++) {
            hMax = Math.max(hMax, h.hSamp()[c]);
            vMax = Math.max(vMax, h.vSamp()[c]);
        }
        for (int c = 0; c < h.components(); c++) {
            if (h.hSamp()[c] == hMax && h.vSamp()[c] * 2 == vMax) {
                return true;
            }
        }
        return false;
    }

    /** libjpeg's {@code ycc_rgb_convert} on {@code pixels} interleaved Y, Cb, Cr pixels from {@code from}, in place. */
    static void yccToRgbInPlace(byte[] px, int from, int pixels) {
        byte[] limit = RANGE_LIMIT;
        int[] crR = CR_R;
        int[] cbB = CB_B;
        int[] crG = CR_G;
        int[] cbG = CB_G;
        for (int p = from * 3, end = (from + pixels) * 3; p < end; p += 3) {
            int y = (px[p] & 255) + LIMIT_OFFSET;
            int cb = px[p + 1] & 255;
            int cr = px[p + 2] & 255;
            px[p] = limit[y + crR[cr]];
            px[p + 1] = limit[y + ((cbG[cb] + crG[cr]) >> SCALEBITS)];
            px[p + 2] = limit[y + cbB[cb]];
        }
    }

    private static byte[] plane(Raster raster, int band) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[Math.multiplyExact(w, h)];
        // Fast path for the byte rasters ImageIO's JPEG reader produces: read the buffer directly.
        if (raster.getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1
                && raster.getSampleModel() instanceof ComponentSampleModel sm
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            byte[] data = db.getData();
            int pixelStride = sm.getPixelStride();
            int scanStride = sm.getScanlineStride();
            int base = db.getOffset() + sm.getBandOffsets()[band];
            for (int y = 0; y < h; y++) {
                int p = base + y * scanStride;
                int o = y * w;
                for (int x = 0; x < w; x++, p += pixelStride) {
                    out[o + x] = data[p];
                }
            }
            return out;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, band, row);
            int o = y * w;
            for (int x = 0; x < w; x++) {
                out[o + x] = (byte) row[x];
            }
        }
        return out;
    }

    /**
     * Replaces IJG's row replication by libjpeg-turbo's {@code h1v2_fancy_upsample} for components
     * sampled at full horizontal and half vertical resolution.
     */
    private static void fixH1V2Upsampling(Header h, byte[][] planes) {
        int hMax = 0;
        int vMax = 0;
        for (int c = 0; c < h.components(); c++) {
            hMax = Math.max(hMax, h.hSamp()[c]);
            vMax = Math.max(vMax, h.vSamp()[c]);
        }
        int w = h.width();
        int rows = h.height();
        int n = (rows + 1) / 2; // rows of the downsampled component: ceil(height / 2)
        for (int c = 0; c < h.components(); c++) {
            if (h.hSamp()[c] != hMax || h.vSamp()[c] * 2 != vMax) {
                continue;
            }
            byte[] p = planes[c];
            byte[] out = new byte[p.length];
            for (int y = 0; y < rows; y++) {
                int i = y >> 1;
                int near = i * 2 * w; // downsampled row i is replicated at full-size row 2i
                // libjpeg's context rows repeat the first and the last row at the image edges
                int far = (y & 1) == 0 ? Math.max(i - 1, 0) * 2 * w : Math.min(i + 1, n - 1) * 2 * w;
                int bias = (y & 1) == 0 ? 1 : 2;
                int o = y * w;
                for (int x = 0; x < w; x++) {
                    out[o + x] = (byte) (((p[near + x] & 255) * 3 + (p[far + x] & 255) + bias) >> 2);
                }
            }
            planes[c] = out;
        }
    }

    /** libjpeg-turbo's {@code default_decompress_parms} guess for three components. */
    static boolean isYcc(Header h) {
        if (h.jfif()) {
            return true;
        }
        if (h.adobe()) {
            return h.adobeTransform() != 0;
        }
        int[] id = h.componentIds();
        return !(id[0] == 'R' && id[1] == 'G' && id[2] == 'B');
    }

    private static byte[] toRgb(Header h, byte[][] planes) {
        int n = planes[0].length;
        byte[] out = new byte[Math.multiplyExact(n, 3)];
        byte[] p0 = planes[0];
        byte[] p1 = planes[1];
        byte[] p2 = planes[2];
        if (!isYcc(h)) {
            for (int i = 0; i < n; i++) {
                out[3 * i] = p0[i];
                out[3 * i + 1] = p1[i];
                out[3 * i + 2] = p2[i];
            }
            return out;
        }
        for (int i = 0; i < n; i++) {
            int y = p0[i] & 255;
            int cb = p1[i] & 255;
            int cr = p2[i] & 255;
            out[3 * i] = clamp(y + CR_R[cr]);
            out[3 * i + 1] = clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
            out[3 * i + 2] = clamp(y + CB_B[cb]);
        }
        return out;
    }

    /**
     * libjpeg output in JCS_CMYK (YCCK converted by {@code ycck_cmyk_convert}), then inverted as PIL's
     * {@code CMYK;I} raw mode does for every CMYK JPEG.
     */
    private static byte[] toPilCmyk(Header h, byte[][] planes) {
        // libjpeg: Adobe transform 0 means CMYK, any other value YCCK; no Adobe marker means CMYK.
        boolean ycck = h.adobe() && h.adobeTransform() != 0;
        int n = planes[0].length;
        byte[] out = new byte[Math.multiplyExact(n, 4)];
        for (int i = 0; i < n; i++) {
            int a = planes[0][i] & 255;
            int b = planes[1][i] & 255;
            int c = planes[2][i] & 255;
            int k = planes[3][i] & 255;
            if (ycck) {
                // ycck_cmyk_convert gives 255 - clamp(y + ...); PIL's inversion undoes the "255 -".
                int y = a;
                out[4 * i] = clamp(y + CR_R[c]);
                out[4 * i + 1] = clamp(y + ((CB_G[b] + CR_G[c]) >> SCALEBITS));
                out[4 * i + 2] = clamp(y + CB_B[b]);
            } else {
                out[4 * i] = (byte) (255 - a);
                out[4 * i + 1] = (byte) (255 - b);
                out[4 * i + 2] = (byte) (255 - c);
            }
            out[4 * i + 3] = (byte) (255 - k);
        }
        return out;
    }

    private static byte clamp(int v) {
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** Parses markers up to the first SOS, as libjpeg's marker reader sees them. */
    static Header readHeader(ImageInputStream in, String name) throws IOException {
        try {
            in.seek(0);
            if (in.readUnsignedByte() != 0xFF || in.readUnsignedByte() != 0xD8) {
                throw new ImageDecodeException(name + ": not a JPEG file (no SOI marker)");
            }
            boolean jfif = false;
            boolean adobe = false;
            int transform = 0;
            Header sof = null;
            while (true) {
                int b = in.readUnsignedByte();
                while (b != 0xFF) { // garbage between markers: libjpeg skips it (with a warning)
                    b = in.readUnsignedByte();
                }
                int m;
                do {
                    m = in.readUnsignedByte();
                } while (m == 0xFF);
                if (m == 0x00 || m == 0x01 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7)) {
                    continue; // stuffed zero or stand-alone marker
                }
                if (m == 0xD9) {
                    throw new ImageDecodeException(name + ": JPEG ends before any image data");
                }
                int len = in.readUnsignedShort();
                if (len < 2) {
                    throw new ImageDecodeException(name + ": corrupt JPEG marker 0x" + Integer.toHexString(m)
                            + " (length " + len + ")");
                }
                long next = in.getStreamPosition() + len - 2;
                int payload = len - 2;
                if (m == 0xE0 && payload >= 14) {
                    byte[] d = new byte[5];
                    in.readFully(d);
                    jfif = "JFIF\0".equals(new String(d, StandardCharsets.ISO_8859_1));
                } else if (m == 0xEE && payload >= 12) {
                    byte[] d = new byte[12];
                    in.readFully(d);
                    if ("Adobe".equals(new String(d, 0, 5, StandardCharsets.ISO_8859_1))) {
                        adobe = true;
                        transform = d[11] & 255;
                    }
                } else if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                    if (m != 0xC0 && m != 0xC1 && m != 0xC2) {
                        throw new ImageDecodeException(name + ": unsupported JPEG process (SOF marker 0x"
                                + Integer.toHexString(m) + ": " + processName(m) + ")");
                    }
                    if (sof == null) {
                        int precision = in.readUnsignedByte();
                        int height = in.readUnsignedShort();
                        int width = in.readUnsignedShort();
                        int nc = in.readUnsignedByte();
                        if (precision != 8) {
                            throw new ImageDecodeException(name + ": " + precision
                                    + "-bit JPEG is not supported (8-bit only, like PIL)");
                        }
                        if (width == 0 || height == 0) {
                            throw new ImageDecodeException(name + ": JPEG with empty size " + width + "x" + height
                                    + " (DNL-marker height is not supported)");
                        }
                        if (nc < 1 || nc > 4 || payload < 6 + 3 * nc) {
                            throw new ImageDecodeException(name + ": corrupt JPEG frame header (" + nc + " components)");
                        }
                        int[] ids = new int[nc];
                        int[] hs = new int[nc];
                        int[] vs = new int[nc];
                        for (int c = 0; c < nc; c++) {
                            ids[c] = in.readUnsignedByte();
                            int s = in.readUnsignedByte();
                            hs[c] = s >> 4;
                            vs[c] = s & 15;
                            in.readUnsignedByte();
                            if (hs[c] < 1 || hs[c] > 4 || vs[c] < 1 || vs[c] > 4) {
                                throw new ImageDecodeException(name + ": corrupt JPEG sampling factors");
                            }
                        }
                        sof = new Header(width, height, precision, m, ids, hs, vs, false, false, 0);
                    }
                } else if (m == 0xDA) {
                    if (sof == null) {
                        throw new ImageDecodeException(name + ": JPEG scan before frame header");
                    }
                    return new Header(sof.width(), sof.height(), sof.precision(), sof.sofMarker(), sof.componentIds(),
                            sof.hSamp(), sof.vSamp(), jfif, adobe, transform);
                }
                in.seek(next);
            }
        } catch (EOFException e) {
            throw new ImageDecodeException(name + ": truncated JPEG (file ends inside the headers)", e);
        }
    }

    private static String processName(int m) {
        return switch (m) {
            case 0xC3 -> "lossless";
            case 0xC5, 0xC6, 0xC7 -> "hierarchical";
            case 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF -> "arithmetic coding";
            default -> "unknown";
        };
    }
}
