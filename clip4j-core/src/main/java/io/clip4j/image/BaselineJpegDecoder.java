package io.clip4j.image;

import java.util.Arrays;

/**
 * clip4j's own decoder for the common JPEG case, giving the same bytes as the ImageIO path of {@link JpegDecoder}
 * (IJG libjpeg 6b: Huffman decoding, {@code jidctint} "islow" IDCT with its range limiting, {@code jdsample}
 * fancy upsampling, then {@link ImageKernels#yccToRgbInPlace}).
 *
 * <p>Handled: baseline or extended sequential Huffman (SOF0/SOF1), 8-bit, 8-bit quantisation tables, one scan
 * holding every component, with or without restart intervals, any size; 1 component (grey) or 3 components whose
 * first is sampled 1x1, 2x1 or 2x2 and the other two 1x1 (4:4:4, 4:2:2, 4:2:0). Whether three components are
 * YCbCr or RGB is {@link JpegDecoder#isYcc}'s decision.
 *
 * <p>Anything else, and any anomaly in the data (a bad Huffman code, entropy data running into a marker or the
 * end of the file, a missing or unexpected restart marker, garbage between segments, anything but EOI after the
 * scan), makes {@link #tryDecode} return {@code null}: the caller then decodes the file with ImageIO, which
 * reports the error (or, where libjpeg only warns harmlessly, decodes it) exactly as it did before this decoder
 * existed. So this decoder only ever returns an image for clean data, and never throws for bad data.
 */
final class BaselineJpegDecoder {

    /** Zig-zag index to natural (row-major) index, with libjpeg's 16 extra entries guarding coefficient overrun. */
    private static final int[] NATURAL = new int[80];

    static {
        int[] zz = {0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
            13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38,
            31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};
        System.arraycopy(zz, 0, NATURAL, 0, 64);
        Arrays.fill(NATURAL, 64, 80, 63);
    }

    /** jidctint's post-IDCT range limit: {@code IDCT_LIMIT[x & 1023]}, x being the descaled output (centred on 0). */
    private static final byte[] IDCT_LIMIT = new byte[1024];

    static {
        for (int i = 0; i < 1024; i++) {
            int v;
            if (i < 128) {
                v = i + 128;
            } else if (i < 512) {
                v = 255;
            } else if (i < 896) {
                v = 0;
            } else {
                v = i - 896;
            }
            IDCT_LIMIT[i] = (byte) v;
        }
    }

    private static final int FIX_0_298631336 = 2446;
    private static final int FIX_0_390180644 = 3196;
    private static final int FIX_0_541196100 = 4433;
    private static final int FIX_0_765366865 = 6270;
    private static final int FIX_0_899976223 = 7373;
    private static final int FIX_1_175875602 = 9633;
    private static final int FIX_1_501321110 = 12299;
    private static final int FIX_1_847759065 = 15137;
    private static final int FIX_1_961570560 = 16069;
    private static final int FIX_2_053119869 = 16819;
    private static final int FIX_2_562915447 = 20995;
    private static final int FIX_3_072711026 = 25172;

    /** Signals "not for this decoder": the caller falls back to ImageIO. */
    private static final class NotHandled extends RuntimeException {
        NotHandled() {
            super(null, null, false, false);
        }
    }

    private static final NotHandled NOT_HANDLED = new NotHandled();

    private BaselineJpegDecoder() {
    }

    /** A derived Huffman table (libjpeg's {@code jpeg_make_d_derived_tbl}) with a 9-bit lookahead table. */
    private static final class Huffman {
        static final int LOOKAHEAD = 9;
        final int[] lookup = new int[1 << LOOKAHEAD]; // (length << 8) | symbol, 0 for longer codes
        final int[] maxcode = new int[18];
        final int[] valoffset = new int[17];
        final int[] values;
        /**
         * For AC tables: when a code and its extra bits fit in the lookahead, {@code (value << 16) | (run << 8) |
         * (code length + extra bits)}; 0 otherwise.
         */
        final int[] fastAc = new int[1 << LOOKAHEAD];

        Huffman(int[] counts, int[] values, boolean dc) {
            this.values = values;
            int n = 0;
            for (int l = 1; l <= 16; l++) {
                n += counts[l];
            }
            if (n > 256 || n != values.length) {
                throw NOT_HANDLED;
            }
            if (dc) {
                for (int v : values) {
                    if (v > 15) {
                        throw NOT_HANDLED;
                    }
                }
            }
            int code = 0;
            int p = 0;
            for (int l = 1; l <= 16; l++) {
                if (counts[l] == 0) {
                    maxcode[l] = -1;
                } else {
                    valoffset[l] = p - code;
                    for (int i = 0; i < counts[l]; i++, p++, code++) {
                        if (l <= LOOKAHEAD) {
                            int shift = LOOKAHEAD - l;
                            int base = code << shift;
                            Arrays.fill(lookup, base, base + (1 << shift), (l << 8) | values[p]);
                        }
                    }
                    maxcode[l] = code - 1;
                }
                if (code >= (1 << l)) { // libjpeg: JERR_BAD_HUFF_TABLE
                    throw NOT_HANDLED;
                }
                code <<= 1;
            }
            maxcode[17] = Integer.MAX_VALUE;
            if (!dc) {
                for (int look = 0; look < lookup.length; look++) {
                    int e = lookup[look];
                    if (e == 0) {
                        continue;
                    }
                    int l = e >>> 8;
                    int rs = e & 255;
                    int size = rs & 15;
                    if (size == 0 || l + size > LOOKAHEAD) {
                        continue;
                    }
                    int x = (look >>> (LOOKAHEAD - l - size)) & ((1 << size) - 1);
                    int v = x < (1 << (size - 1)) ? x - (1 << size) + 1 : x;
                    fastAc[look] = (v << 16) | ((rs >> 4) << 8) | (l + size);
                }
            }
        }
    }

    /** Entropy-coded data reader: libjpeg's bit buffer, zero bits once a marker or the end of data is reached. */
    private static final class Bits {
        final byte[] data;
        int pos;
        long buf;
        int n;
        /** Zero bits appended after the segment's end: consuming any of them is an error in libjpeg. */
        int padded;
        /** Index of the marker byte (after its 0xFF) that ended the segment, or -1. */
        int marker = -1;

        Bits(byte[] data, int pos) {
            this.data = data;
            this.pos = pos;
        }

        void fill() {
            byte[] d = data;
            while (n <= 56) {
                int b;
                if (marker >= 0) {
                    b = 0;
                    padded += 8;
                } else {
                    if (pos >= d.length) {
                        throw NOT_HANDLED; // end of file inside the scan: libjpeg warns "premature end"
                    }
                    b = d[pos] & 255;
                    if (b != 0xFF) {
                        pos++;
                    } else {
                        int q = pos + 1;
                        while (q < d.length && d[q] == (byte) 0xFF) {
                            q++;
                        }
                        if (q >= d.length) {
                            throw NOT_HANDLED;
                        }
                        if (d[q] == 0) {
                            pos = q + 1;
                        } else {
                            marker = q;
                            b = 0;
                            padded += 8;
                        }
                    }
                }
                buf = (buf << 8) | b;
                n += 8;
            }
        }

        int decode(Huffman h) {
            if (n < 16) {
                fill();
            }
            int e = h.lookup[(int) (buf >>> (n - Huffman.LOOKAHEAD)) & ((1 << Huffman.LOOKAHEAD) - 1)];
            if (e != 0) {
                n -= e >>> 8;
                return e & 255;
            }
            int code16 = (int) (buf >>> (n - 16)) & 0xFFFF;
            for (int l = Huffman.LOOKAHEAD + 1; l <= 16; l++) {
                int code = code16 >>> (16 - l);
                if (code <= h.maxcode[l]) {
                    n -= l;
                    return h.values[code + h.valoffset[l]];
                }
            }
            throw NOT_HANDLED; // libjpeg: JWRN_HUFF_BAD_CODE
        }

        /** {@code s} (1..15) bits, sign-extended as libjpeg's {@code HUFF_EXTEND}. */
        int receiveExtend(int s) {
            if (n < s) {
                fill();
            }
            n -= s;
            int x = (int) (buf >>> n) & ((1 << s) - 1);
            return x < (1 << (s - 1)) ? x - (1 << s) + 1 : x;
        }

        /** Throws when bits past the segment's end were consumed. */
        void checkNotOverrun() {
            if (padded > n) {
                throw NOT_HANDLED;
            }
        }

        /** At a restart: the next marker must be RSTn (garbage before it is a libjpeg warning: fall back). */
        void restart(int expected) {
            checkNotOverrun();
            int m = marker;
            if (m < 0) {
                // the bit buffer may hold whole bytes read ahead; they must be all that is left before the marker
                int q = pos;
                if (q + 1 >= data.length || data[q] != (byte) 0xFF) {
                    throw NOT_HANDLED;
                }
                q++;
                while (q < data.length && data[q] == (byte) 0xFF) {
                    q++;
                }
                m = q;
            }
            if (m >= data.length || (data[m] & 255) != 0xD0 + expected) {
                throw NOT_HANDLED;
            }
            if (n - padded >= 8) {
                throw NOT_HANDLED; // whole unread bytes before the marker: libjpeg discards them with a warning
            }
            pos = m + 1;
            marker = -1;
            buf = 0;
            n = 0;
            padded = 0;
        }
    }

    /**
     * Decodes {@code data} when it is a case this decoder handles, else returns {@code null}.
     *
     * @param h the header as {@link JpegDecoder#readHeader} parsed it (size already checked against the limit)
     */
    static DecodedImage tryDecode(byte[] data, JpegDecoder.Header h) {
        try {
            return decode(data, h);
        } catch (NotHandled | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    private static DecodedImage decode(byte[] d, JpegDecoder.Header header) {
        int[][] quant = new int[4][];
        Huffman[] dcTables = new Huffman[4];
        Huffman[] acTables = new Huffman[4];
        int restartInterval = 0;
        int width = 0;
        int height = 0;
        int nc = 0;
        int[] ids = null;
        int[] hs = null;
        int[] vs = null;
        int[] tq = null;
        int p = 2;
        if (d.length < 4 || (d[0] & 255) != 0xFF || (d[1] & 255) != 0xD8) {
            throw NOT_HANDLED;
        }
        while (true) {
            if (p + 4 > d.length || d[p] != (byte) 0xFF) {
                throw NOT_HANDLED;
            }
            while (p < d.length && d[p] == (byte) 0xFF) {
                p++;
            }
            if (p + 3 > d.length) {
                throw NOT_HANDLED;
            }
            int m = d[p] & 255;
            int len = ((d[p + 1] & 255) << 8) | (d[p + 2] & 255);
            int s = p + 3; // segment payload
            int end = p + 1 + len;
            if (len < 2 || end > d.length) {
                throw NOT_HANDLED;
            }
            if (m == 0xDB) { // DQT
                int q = s;
                while (q < end) {
                    int pq = (d[q] & 255) >> 4;
                    int t = d[q] & 15;
                    if (pq != 0 || t > 3 || q + 65 > end) {
                        throw NOT_HANDLED;
                    }
                    int[] qt = new int[64];
                    for (int i = 0; i < 64; i++) {
                        qt[NATURAL[i]] = d[q + 1 + i] & 255;
                    }
                    quant[t] = qt;
                    q += 65;
                }
            } else if (m == 0xC4) { // DHT
                int q = s;
                while (q < end) {
                    int tc = (d[q] & 255) >> 4;
                    int th = d[q] & 15;
                    if (tc > 1 || th > 3 || q + 17 > end) {
                        throw NOT_HANDLED;
                    }
                    int[] counts = new int[17];
                    int total = 0;
                    for (int l = 1; l <= 16; l++) {
                        counts[l] = d[q + l] & 255;
                        total += counts[l];
                    }
                    if (total > 256 || q + 17 + total > end) {
                        throw NOT_HANDLED;
                    }
                    int[] vals = new int[total];
                    for (int i = 0; i < total; i++) {
                        vals[i] = d[q + 17 + i] & 255;
                    }
                    Huffman table = new Huffman(counts, vals, tc == 0);
                    if (tc == 0) {
                        dcTables[th] = table;
                    } else {
                        acTables[th] = table;
                    }
                    q += 17 + total;
                }
            } else if (m == 0xDD) { // DRI
                if (len != 4) {
                    throw NOT_HANDLED;
                }
                restartInterval = ((d[s] & 255) << 8) | (d[s + 1] & 255);
            } else if (m == 0xC0 || m == 0xC1) {
                if (ids != null || len < 8) {
                    throw NOT_HANDLED;
                }
                int precision = d[s] & 255;
                height = ((d[s + 1] & 255) << 8) | (d[s + 2] & 255);
                width = ((d[s + 3] & 255) << 8) | (d[s + 4] & 255);
                nc = d[s + 5] & 255;
                if (precision != 8 || width == 0 || height == 0 || (nc != 1 && nc != 3) || len != 8 + 3 * nc) {
                    throw NOT_HANDLED;
                }
                ids = new int[nc];
                hs = new int[nc];
                vs = new int[nc];
                tq = new int[nc];
                for (int c = 0; c < nc; c++) {
                    ids[c] = d[s + 6 + 3 * c] & 255;
                    hs[c] = (d[s + 7 + 3 * c] & 255) >> 4;
                    vs[c] = d[s + 7 + 3 * c] & 15;
                    tq[c] = d[s + 8 + 3 * c] & 255;
                    if (tq[c] > 3) {
                        throw NOT_HANDLED;
                    }
                    for (int c2 = 0; c2 < c; c2++) {
                        if (ids[c2] == ids[c]) {
                            throw NOT_HANDLED;
                        }
                    }
                }
            } else if (m == 0xDA) { // SOS
                if (ids == null) {
                    throw NOT_HANDLED;
                }
                int ns = d[s] & 255;
                if (ns != nc || len != 6 + 2 * ns) {
                    throw NOT_HANDLED;
                }
                int[] order = new int[ns];
                Huffman[] dc = new Huffman[nc];
                Huffman[] ac = new Huffman[nc];
                boolean[] seen = new boolean[nc];
                for (int i = 0; i < ns; i++) {
                    int cid = d[s + 1 + 2 * i] & 255;
                    int c = -1;
                    for (int k = 0; k < nc; k++) {
                        if (ids[k] == cid) {
                            c = k;
                        }
                    }
                    if (c < 0 || seen[c]) {
                        throw NOT_HANDLED;
                    }
                    seen[c] = true;
                    order[i] = c;
                    int td = (d[s + 2 + 2 * i] & 255) >> 4;
                    int ta = d[s + 2 + 2 * i] & 15;
                    if (td > 3 || ta > 3 || dcTables[td] == null || acTables[ta] == null) {
                        throw NOT_HANDLED;
                    }
                    dc[c] = dcTables[td];
                    ac[c] = acTables[ta];
                }
                int ss = d[s + 1 + 2 * ns] & 255;
                int se = d[s + 2 + 2 * ns] & 255;
                int ahal = d[s + 3 + 2 * ns] & 255;
                if (ss != 0 || se != 63 || ahal != 0) {
                    throw NOT_HANDLED;
                }
                int[][] qz = new int[nc][];
                for (int c = 0; c < nc; c++) {
                    int[] qt = quant[tq[c]];
                    if (qt == null) {
                        throw NOT_HANDLED;
                    }
                    qz[c] = new int[80];
                    for (int k = 0; k < 80; k++) {
                        qz[c][k] = qt[NATURAL[k]];
                    }
                }
                if (width != header.width() || height != header.height() || nc != header.components()) {
                    throw NOT_HANDLED;
                }
                return decodeScan(d, end, header, width, height, nc, hs, vs, order, dc, ac, qz, restartInterval);
            } else if (m == 0xD8 || m == 0xD9 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)
                    || (m >= 0xC2 && m <= 0xCF) || m == 0xDC || m == 0xDE || m == 0xDF || m == 0x00) {
                throw NOT_HANDLED; // progressive, lossless, arithmetic, hierarchical, DNL, stray markers
            }
            // APPn, COM and the like: skipped
            p = end;
        }
    }

    private static DecodedImage decodeScan(byte[] d, int start, JpegDecoder.Header header, int width, int height,
                                           int nc, int[] hs, int[] vs, int[] order, Huffman[] dc, Huffman[] ac,
                                           int[][] qz, int restartInterval) {
        int hMax;
        int vMax;
        if (nc == 1) {
            hMax = 1;
            vMax = 1;
            hs = new int[] {1};
            vs = new int[] {1};
        } else {
            hMax = hs[0];
            vMax = vs[0];
            boolean lumaOk = (hMax == 1 && vMax == 1) || (hMax == 2 && vMax == 1) || (hMax == 2 && vMax == 2);
            if (!lumaOk || hs[1] != 1 || vs[1] != 1 || hs[2] != 1 || vs[2] != 1) {
                throw NOT_HANDLED;
            }
        }
        long outBytes = (long) width * height * nc;
        int mcusX = (width + 8 * hMax - 1) / (8 * hMax);
        int mcusY = (height + 8 * vMax - 1) / (8 * vMax);
        long planeBytes = (long) mcusX * mcusY * 64 * (hMax * vMax + nc - 1);
        if (outBytes > Integer.MAX_VALUE - 16 || planeBytes > Integer.MAX_VALUE - 16) {
            throw NOT_HANDLED;
        }
        byte[][] planes = new byte[nc][];
        int[] stride = new int[nc];
        for (int c = 0; c < nc; c++) {
            stride[c] = mcusX * hs[c] * 8;
            planes[c] = new byte[stride[c] * mcusY * vs[c] * 8];
        }
        Bits bits = new Bits(d, start);
        int[] pred = new int[nc];
        int[] coef = new int[64];
        int[] ws = new int[64];
        int togo = restartInterval;
        int nextRestart = 0;
        for (int my = 0; my < mcusY; my++) {
            for (int mx = 0; mx < mcusX; mx++) {
                if (restartInterval > 0) {
                    if (togo == 0) {
                        bits.restart(nextRestart);
                        nextRestart = (nextRestart + 1) & 7;
                        Arrays.fill(pred, 0);
                        togo = restartInterval;
                    }
                    togo--;
                }
                for (int c : order) {
                    int h = hs[c];
                    int v = vs[c];
                    byte[] plane = planes[c];
                    int st = stride[c];
                    Huffman dct = dc[c];
                    Huffman act = ac[c];
                    int[] q = qz[c];
                    for (int by = 0; by < v; by++) {
                        for (int bx = 0; bx < h; bx++) {
                            int off = ((my * v + by) * 8) * st + (mx * h + bx) * 8;
                            decodeBlock(bits, dct, act, q, pred, c, coef, ws, plane, off, st);
                        }
                    }
                }
            }
            bits.checkNotOverrun();
        }
        bits.checkNotOverrun();
        // After the scan: only EOI (possibly after garbage, which libjpeg skips with a harmless warning).
        int q = bits.marker >= 0 ? bits.marker : bits.pos;
        if (bits.marker < 0) {
            while (true) {
                while (q < d.length && d[q] != (byte) 0xFF) {
                    q++;
                }
                while (q < d.length && d[q] == (byte) 0xFF) {
                    q++;
                }
                if (q >= d.length) {
                    throw NOT_HANDLED;
                }
                if (d[q] != 0) {
                    break;
                }
            }
        }
        if ((d[q] & 255) != 0xD9) {
            throw NOT_HANDLED;
        }
        byte[] out = new byte[(int) outBytes];
        if (nc == 1) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(planes[0], y * stride[0], out, y * width, width);
            }
            return new DecodedImage(width, height, ImageMode.L, out, null, "JPEG");
        }
        assemble(planes, stride, width, height, hMax, vMax, out);
        if (JpegDecoder.isYcc(header)) {
            ImageKernels.get().yccToRgbInPlace(out);
        }
        return new DecodedImage(width, height, ImageMode.RGB, out, null, "JPEG");
    }

    /** Decodes one block (DC, AC) and writes its IDCT to {@code plane} at {@code off}. */
    private static void decodeBlock(Bits bits, Huffman dct, Huffman act, int[] q, int[] pred, int c, int[] coef,
                                    int[] ws, byte[] plane, int off, int st) {
        // DC
        int sym = bits.decode(dct);
        int diff = sym == 0 ? 0 : bits.receiveExtend(sym);
        pred[c] += diff;
        coef[0] = (short) pred[c] * q[0];
        boolean anyAc = false;
        int[] fastAc = act.fastAc;
        int[] lookup = act.lookup;
        // the bit buffer in locals; at least 31 bits (a code and its extra bits) per step
        long buf = bits.buf;
        int n = bits.n;
        for (int k = 1; k < 64; k++) {
            if (n < 32) {
                bits.n = n;
                bits.fill();
                buf = bits.buf;
                n = bits.n;
            }
            int look = (int) (buf >>> (n - Huffman.LOOKAHEAD)) & ((1 << Huffman.LOOKAHEAD) - 1);
            int f = fastAc[look];
            if (f != 0) {
                n -= f & 255;
                k += (f >> 8) & 255;
                coef[NATURAL[k]] = (f >> 16) * q[k];
                anyAc = true;
                continue;
            }
            int rs;
            int e = lookup[look];
            if (e != 0) {
                n -= e >>> 8;
                rs = e & 255;
            } else {
                bits.n = n;
                rs = bits.decode(act);
                n = bits.n;
            }
            int r = rs >> 4;
            int s = rs & 15;
            if (s != 0) {
                k += r;
                n -= s;
                int x = (int) (buf >>> n) & ((1 << s) - 1);
                int ext = x < (1 << (s - 1)) ? x - (1 << s) + 1 : x;
                coef[NATURAL[k]] = ext * q[k];
                anyAc = true;
            } else {
                if (r != 15) {
                    break;
                }
                k += 15;
            }
        }
        bits.n = n;
        if (anyAc) {
            idct(coef, ws, plane, off, st);
            Arrays.fill(coef, 0);
        } else {
            byte val = IDCT_LIMIT[(((coef[0] << 2) + 16) >> 5) & 1023];
            for (int y = 0, o = off; y < 8; y++, o += st) {
                Arrays.fill(plane, o, o + 8, val);
            }
            coef[0] = 0;
        }
    }

    /** Upsamples the chroma planes as libjpeg 6b's {@code jdsample.c} does and interleaves the three components. */
    private static void assemble(byte[][] planes, int[] stride, int width, int height, int hMax, int vMax,
                                 byte[] out) {
        byte[] yp = planes[0];
        byte[] cbp = planes[1];
        byte[] crp = planes[2];
        int ys = stride[0];
        int cs = stride[1];
        int dw = (width + hMax - 1) / hMax; // downsampled width and height of the chroma components
        int dh = (height + vMax - 1) / vMax;
        boolean fancy = hMax == 2 && dw > 2; // jinit_upsampler: fancy only when downsampled_width > 2
        for (int y = 0; y < height; y++) {
            int yo = y * ys;
            int o = y * width * 3;
            if (hMax == 1) {
                int co = y * cs;
                for (int x = 0; x < width; x++, o += 3) {
                    out[o] = yp[yo + x];
                    out[o + 1] = cbp[co + x];
                    out[o + 2] = crp[co + x];
                }
                continue;
            }
            int near = vMax == 2 ? y >> 1 : y;
            if (!fancy) {
                int co = near * cs;
                for (int x = 0; x < width; x++, o += 3) {
                    out[o] = yp[yo + x];
                    out[o + 1] = cbp[co + (x >> 1)];
                    out[o + 2] = crp[co + (x >> 1)];
                }
                continue;
            }
            if (vMax == 1) {
                h2v1(yp, yo, cbp, crp, y * cs, dw, width, out, o);
            } else {
                int far = (y & 1) == 0 ? Math.max(near - 1, 0) : Math.min(near + 1, dh - 1);
                h2v2(yp, yo, cbp, crp, near * cs, far * cs, dw, width, out, o);
            }
        }
    }

    /**
     * {@code h2v1_fancy_upsample} of one row of {@code dw} (> 2) Cb and Cr samples, interleaved with the Y row into
     * {@code width} pixels of {@code out} from {@code o}.
     */
    private static void h2v1(byte[] yp, int yo, byte[] cbp, byte[] crp, int in, int dw, int width, byte[] out,
                             int o) {
        int b = cbp[in] & 255;
        int r = crp[in] & 255;
        int nb = cbp[in + 1] & 255;
        int nr = crp[in + 1] & 255;
        out[o] = yp[yo];
        out[o + 1] = (byte) b;
        out[o + 2] = (byte) r;
        out[o + 3] = yp[yo + 1];
        out[o + 4] = (byte) ((b * 3 + nb + 2) >> 2);
        out[o + 5] = (byte) ((r * 3 + nr + 2) >> 2);
        int pb = b;
        int pr = r;
        b = nb;
        r = nr;
        int base = o;
        int yb = yo;
        for (int i = 1; i < dw - 1; i++) {
            o = base + 6 * i;
            int x = yb + 2 * i;
            nb = cbp[in + i + 1] & 255;
            nr = crp[in + i + 1] & 255;
            int b3 = b * 3;
            int r3 = r * 3;
            out[o] = yp[x];
            out[o + 1] = (byte) ((b3 + pb + 1) >> 2);
            out[o + 2] = (byte) ((r3 + pr + 1) >> 2);
            out[o + 3] = yp[x + 1];
            out[o + 4] = (byte) ((b3 + nb + 2) >> 2);
            out[o + 5] = (byte) ((r3 + nr + 2) >> 2);
            pb = b;
            pr = r;
            b = nb;
            r = nr;
        }
        o = base + 6 * (dw - 1);
        int x = 2 * (dw - 1);
        out[o] = yp[yo + x];
        out[o + 1] = (byte) ((b * 3 + pb + 1) >> 2);
        out[o + 2] = (byte) ((r * 3 + pr + 1) >> 2);
        if (x + 1 < width) {
            out[o + 3] = yp[yo + x + 1];
            out[o + 4] = (byte) b;
            out[o + 5] = (byte) r;
        }
    }

    /**
     * {@code h2v2_fancy_upsample} of one output row (the nearer input row at {@code in0}, the farther at
     * {@code in1}) of Cb and Cr, interleaved with the Y row into {@code width} pixels of {@code out} from {@code o}.
     */
    private static void h2v2(byte[] yp, int yo, byte[] cbp, byte[] crp, int in0, int in1, int dw, int width,
                             byte[] out, int o) {
        int tb = (cbp[in0] & 255) * 3 + (cbp[in1] & 255);
        int tr = (crp[in0] & 255) * 3 + (crp[in1] & 255);
        int nb = (cbp[in0 + 1] & 255) * 3 + (cbp[in1 + 1] & 255);
        int nr = (crp[in0 + 1] & 255) * 3 + (crp[in1 + 1] & 255);
        out[o] = yp[yo];
        out[o + 1] = (byte) ((tb * 4 + 8) >> 4);
        out[o + 2] = (byte) ((tr * 4 + 8) >> 4);
        out[o + 3] = yp[yo + 1];
        out[o + 4] = (byte) ((tb * 3 + nb + 7) >> 4);
        out[o + 5] = (byte) ((tr * 3 + nr + 7) >> 4);
        int lb = tb;
        int lr = tr;
        tb = nb;
        tr = nr;
        int base = o;
        int yb = yo;
        for (int i = 1; i < dw - 1; i++) {
            o = base + 6 * i;
            int x = yb + 2 * i;
            nb = (cbp[in0 + i + 1] & 255) * 3 + (cbp[in1 + i + 1] & 255);
            nr = (crp[in0 + i + 1] & 255) * 3 + (crp[in1 + i + 1] & 255);
            int b3 = tb * 3;
            int r3 = tr * 3;
            out[o] = yp[x];
            out[o + 1] = (byte) ((b3 + lb + 8) >> 4);
            out[o + 2] = (byte) ((r3 + lr + 8) >> 4);
            out[o + 3] = yp[x + 1];
            out[o + 4] = (byte) ((b3 + nb + 7) >> 4);
            out[o + 5] = (byte) ((r3 + nr + 7) >> 4);
            lb = tb;
            lr = tr;
            tb = nb;
            tr = nr;
        }
        o = base + 6 * (dw - 1);
        int x = 2 * (dw - 1);
        out[o] = yp[yo + x];
        out[o + 1] = (byte) ((tb * 3 + lb + 8) >> 4);
        out[o + 2] = (byte) ((tr * 3 + lr + 8) >> 4);
        if (x + 1 < width) {
            out[o + 3] = yp[yo + x + 1];
            out[o + 4] = (byte) ((tb * 4 + 7) >> 4);
            out[o + 5] = (byte) ((tr * 4 + 7) >> 4);
        }
    }

    /**
     * libjpeg 6b's {@code jpeg_idct_islow} on dequantised coefficients in natural order, in 32-bit int arithmetic:
     * the JDK's libjpeg computes in 32 bits too, and coefficients so large that the products overflow (only in
     * corrupt or crafted files) wrap the same way there and here, which the corrupted-file tests check.
     */
    private static void idct(int[] in, int[] ws, byte[] out, int off, int stride) {
        byte[] limit = IDCT_LIMIT;
        // Pass 1: columns into the workspace.
        for (int c = 0; c < 8; c++) {
            int i1 = in[8 + c];
            int i2 = in[16 + c];
            int i3 = in[24 + c];
            int i4 = in[32 + c];
            int i5 = in[40 + c];
            int i6 = in[48 + c];
            int i7 = in[56 + c];
            if ((i1 | i2 | i3 | i4 | i5 | i6 | i7) == 0) {
                int dcval = in[c] << 2;
                ws[c] = dcval;
                ws[8 + c] = dcval;
                ws[16 + c] = dcval;
                ws[24 + c] = dcval;
                ws[32 + c] = dcval;
                ws[40 + c] = dcval;
                ws[48 + c] = dcval;
                ws[56 + c] = dcval;
                continue;
            }
            int z2 = i2;
            int z3 = i6;
            int z1 = (z2 + z3) * FIX_0_541196100;
            int tmp2 = z1 + z3 * -FIX_1_847759065;
            int tmp3 = z1 + z2 * FIX_0_765366865;
            z2 = in[c];
            z3 = i4;
            int tmp0 = (z2 + z3) << 13;
            int tmp1 = (z2 - z3) << 13;
            int tmp10 = tmp0 + tmp3;
            int tmp13 = tmp0 - tmp3;
            int tmp11 = tmp1 + tmp2;
            int tmp12 = tmp1 - tmp2;
            tmp0 = i7;
            tmp1 = i5;
            tmp2 = i3;
            tmp3 = i1;
            z1 = tmp0 + tmp3;
            z2 = tmp1 + tmp2;
            z3 = tmp0 + tmp2;
            int z4 = tmp1 + tmp3;
            int z5 = (z3 + z4) * FIX_1_175875602;
            tmp0 *= FIX_0_298631336;
            tmp1 *= FIX_2_053119869;
            tmp2 *= FIX_3_072711026;
            tmp3 *= FIX_1_501321110;
            z1 *= -FIX_0_899976223;
            z2 *= -FIX_2_562915447;
            z3 *= -FIX_1_961570560;
            z4 *= -FIX_0_390180644;
            z3 += z5;
            z4 += z5;
            tmp0 += z1 + z3;
            tmp1 += z2 + z4;
            tmp2 += z2 + z3;
            tmp3 += z1 + z4;
            ws[c] = ((tmp10 + tmp3 + 1024) >> 11);
            ws[56 + c] = ((tmp10 - tmp3 + 1024) >> 11);
            ws[8 + c] = ((tmp11 + tmp2 + 1024) >> 11);
            ws[48 + c] = ((tmp11 - tmp2 + 1024) >> 11);
            ws[16 + c] = ((tmp12 + tmp1 + 1024) >> 11);
            ws[40 + c] = ((tmp12 - tmp1 + 1024) >> 11);
            ws[24 + c] = ((tmp13 + tmp0 + 1024) >> 11);
            ws[32 + c] = ((tmp13 - tmp0 + 1024) >> 11);
        }
        // Pass 2: rows of the workspace into the output.
        for (int r = 0, w = 0, o = off; r < 8; r++, w += 8, o += stride) {
            int w1 = ws[w + 1];
            int w2 = ws[w + 2];
            int w3 = ws[w + 3];
            int w4 = ws[w + 4];
            int w5 = ws[w + 5];
            int w6 = ws[w + 6];
            int w7 = ws[w + 7];
            if ((w1 | w2 | w3 | w4 | w5 | w6 | w7) == 0) {
                byte val = limit[((ws[w] + 16) >> 5) & 1023];
                out[o] = val;
                out[o + 1] = val;
                out[o + 2] = val;
                out[o + 3] = val;
                out[o + 4] = val;
                out[o + 5] = val;
                out[o + 6] = val;
                out[o + 7] = val;
                continue;
            }
            int z1 = (w2 + w6) * FIX_0_541196100;
            int tmp2 = z1 + w6 * -FIX_1_847759065;
            int tmp3 = z1 + w2 * FIX_0_765366865;
            int tmp0 = (ws[w] + w4) << 13;
            int tmp1 = (ws[w] - w4) << 13;
            int tmp10 = tmp0 + tmp3;
            int tmp13 = tmp0 - tmp3;
            int tmp11 = tmp1 + tmp2;
            int tmp12 = tmp1 - tmp2;
            tmp0 = w7;
            tmp1 = w5;
            tmp2 = w3;
            tmp3 = w1;
            z1 = tmp0 + tmp3;
            int z2 = tmp1 + tmp2;
            int z3 = tmp0 + tmp2;
            int z4 = tmp1 + tmp3;
            int z5 = (z3 + z4) * FIX_1_175875602;
            tmp0 *= FIX_0_298631336;
            tmp1 *= FIX_2_053119869;
            tmp2 *= FIX_3_072711026;
            tmp3 *= FIX_1_501321110;
            z1 *= -FIX_0_899976223;
            z2 *= -FIX_2_562915447;
            z3 *= -FIX_1_961570560;
            z4 *= -FIX_0_390180644;
            z3 += z5;
            z4 += z5;
            tmp0 += z1 + z3;
            tmp1 += z2 + z4;
            tmp2 += z2 + z3;
            tmp3 += z1 + z4;
            final int half = 1 << 17;
            out[o] = limit[((tmp10 + tmp3 + half) >> 18) & 1023];
            out[o + 7] = limit[((tmp10 - tmp3 + half) >> 18) & 1023];
            out[o + 1] = limit[((tmp11 + tmp2 + half) >> 18) & 1023];
            out[o + 6] = limit[((tmp11 - tmp2 + half) >> 18) & 1023];
            out[o + 2] = limit[((tmp12 + tmp1 + half) >> 18) & 1023];
            out[o + 5] = limit[((tmp12 - tmp1 + half) >> 18) & 1023];
            out[o + 3] = limit[((tmp13 + tmp0 + half) >> 18) & 1023];
            out[o + 4] = limit[((tmp13 - tmp0 + half) >> 18) & 1023];
        }
    }
}
