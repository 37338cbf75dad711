package io.clip4j.image;

import javax.imageio.stream.ImageInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/**
 * The first frame of a GIF, decoded here rather than by ImageIO (whose GIF reader loses rows of
 * low-bit-depth images) and placed the way Pillow 9.4 opens it: the canvas has the logical screen
 * size (grown if the frame extends past it), the frame sits at its offset, and the rest of the canvas
 * holds the frame's transparent index (or 0). The mode is P with the frame's palette (local, else
 * global), or L when that palette is the identity grey ramp or absent (Pillow's
 * {@code _is_palette_needed}).
 *
 * <p>Strict where Pillow is lenient: LZW data that ends before every pixel of the frame is decoded, or
 * contains an impossible code, is an error.
 */
final class GifDecoder {

    private static final int MAX_CODES = 4096;

    private GifDecoder() {
    }

    static DecodedImage decode(ImageInputStream in, String name, long maxPixels) throws IOException {
        try {
            return read(in, name, maxPixels);
        } catch (EOFException e) {
            throw new ImageDecodeException(name + ": truncated GIF (file ends before the first image is complete)", e);
        }
    }

    private static DecodedImage read(ImageInputStream in, String name, long maxPixels) throws IOException {
        in.seek(6); // "GIF87a" / "GIF89a", checked by the caller
        int screenW = u16(in);
        int screenH = u16(in);
        int flags = in.readUnsignedByte();
        in.readUnsignedByte(); // background index
        in.readUnsignedByte(); // aspect ratio
        int[] global = (flags & 0x80) != 0 ? colorTable(in, (flags & 7) + 1) : null;
        int transparent = -1;
        while (true) {
            int block = in.read();
            if (block < 0 || block == 0x3B) {
                throw new ImageDecodeException(name + ": GIF contains no image");
            }
            if (block == 0x21) {
                int label = in.readUnsignedByte();
                int size = in.readUnsignedByte();
                if (label == 0xF9 && size >= 4) {
                    int packed = in.readUnsignedByte();
                    in.skipBytes(2); // delay
                    int index = in.readUnsignedByte();
                    transparent = (packed & 1) != 0 ? index : -1;
                    in.skipBytes(size - 4);
                } else {
                    in.skipBytes(size);
                }
                skipSubBlocks(in);
            } else if (block == 0x2C) {
                int left = u16(in);
                int top = u16(in);
                int fw = u16(in);
                int fh = u16(in);
                int iflags = in.readUnsignedByte();
                int w = Math.max(screenW, left + fw);
                int h = Math.max(screenH, top + fh);
                ImageIoSupport.checkPixels(name, "GIF canvas", w, h, maxPixels);
                int[] local = (iflags & 0x80) != 0 ? colorTable(in, (iflags & 7) + 1) : null;
                int[] table = isGreyRamp(local) ? null : local;
                if (local == null) {
                    table = isGreyRamp(global) ? null : global;
                }
                byte[] px = new byte[Math.multiplyExact(w, h)];
                if (transparent > 0) {
                    Arrays.fill(px, (byte) transparent);
                }
                if (fw > 0 && fh > 0) {
                    byte[] frame = lzw(in, fw, fh, name);
                    boolean interlaced = (iflags & 0x40) != 0;
                    for (int i = 0; i < fh; i++) {
                        int y = interlaced ? interlacedRow(i, fh) : i;
                        System.arraycopy(frame, i * fw, px, (top + y) * w + left, fw);
                    }
                }
                if (table == null) {
                    return new DecodedImage(w, h, ImageMode.L, px, null, "GIF");
                }
                byte[] alpha = null;
                if (transparent >= 0) {
                    alpha = new byte[256];
                    Arrays.fill(alpha, (byte) 255);
                    alpha[transparent] = 0;
                }
                return new DecodedImage(w, h, ImageMode.P, px, Palette.of(table, alpha), "GIF");
            }
            // any other byte: Pillow skips it and reads on
        }
    }

    /** The row of the image that the {@code i}-th stored row of an interlaced frame belongs to. */
    private static int interlacedRow(int i, int h) {
        int pass1 = (h + 7) / 8;
        int pass2 = (h + 3) / 8;
        int pass3 = (h + 1) / 4;
        if (i < pass1) {
            return i * 8;
        }
        i -= pass1;
        if (i < pass2) {
            return 4 + i * 8;
        }
        i -= pass2;
        if (i < pass3) {
            return 2 + i * 4;
        }
        i -= pass3;
        return 1 + i * 2;
    }

    /** Decodes the LZW-compressed, sub-block-framed pixel indices of a {@code w x h} frame. */
    private static byte[] lzw(ImageInputStream in, int w, int h, String name) throws IOException {
        int minCodeSize = in.readUnsignedByte();
        if (minCodeSize < 1 || minCodeSize > 11) {
            throw new ImageDecodeException(name + ": corrupt GIF (LZW code size " + minCodeSize + ")");
        }
        int total = Math.multiplyExact(w, h);
        byte[] out = new byte[total];
        int[] prefix = new int[MAX_CODES];
        byte[] suffix = new byte[MAX_CODES];
        byte[] first = new byte[MAX_CODES];
        byte[] stack = new byte[MAX_CODES + 1];
        int clear = 1 << minCodeSize;
        int end = clear + 1;
        for (int i = 0; i < clear; i++) {
            suffix[i] = (byte) i;
            first[i] = (byte) i;
        }
        int codeSize = minCodeSize + 1;
        int next = clear + 2;
        int prev = -1;
        int pos = 0;
        int bits = 0;
        int acc = 0;
        int blockLeft = in.readUnsignedByte();
        boolean dataEnded = blockLeft == 0;
        while (pos < total && !dataEnded) {
            while (bits < codeSize) {
                if (blockLeft == 0) {
                    blockLeft = in.readUnsignedByte();
                    if (blockLeft == 0) {
                        dataEnded = true;
                        break;
                    }
                }
                acc |= in.readUnsignedByte() << bits;
                bits += 8;
                blockLeft--;
            }
            if (dataEnded) {
                break;
            }
            int code = acc & ((1 << codeSize) - 1);
            acc >>>= codeSize;
            bits -= codeSize;
            if (code == clear) {
                codeSize = minCodeSize + 1;
                next = clear + 2;
                prev = -1;
                continue;
            }
            if (code == end) {
                break;
            }
            int sp = 0;
            int c;
            if (prev < 0) {
                if (code >= clear) {
                    throw new ImageDecodeException(name + ": corrupt GIF LZW data (code " + code + " after clear)");
                }
                c = code;
            } else if (code < next) {
                c = code;
            } else if (code == next && next < MAX_CODES) {
                stack[sp++] = first[prev]; // KwKwK case: the new string is prev + first(prev)
                c = prev;
            } else {
                throw new ImageDecodeException(name + ": corrupt GIF LZW data (code " + code + " not yet defined)");
            }
            while (c >= clear) {
                stack[sp++] = suffix[c];
                c = prefix[c];
            }
            stack[sp++] = (byte) c;
            while (sp > 0 && pos < total) {
                out[pos++] = stack[--sp];
            }
            if (prev >= 0 && next < MAX_CODES) {
                prefix[next] = prev;
                suffix[next] = (byte) c;
                first[next] = first[prev];
                next++;
                if (next == (1 << codeSize) && codeSize < 12) {
                    codeSize++;
                }
            }
            prev = code;
        }
        if (pos < total) {
            throw new ImageDecodeException(name + ": truncated GIF image data (" + pos + " of " + total
                    + " pixels decoded)");
        }
        if (!dataEnded) {
            skipSubBlocks(in, blockLeft);
        }
        return out;
    }

    private static void skipSubBlocks(ImageInputStream in) throws IOException {
        int n;
        while ((n = in.readUnsignedByte()) != 0) {
            in.skipBytes(n);
        }
    }

    private static void skipSubBlocks(ImageInputStream in, int leftInBlock) throws IOException {
        in.skipBytes(leftInBlock);
        skipSubBlocks(in);
    }

    private static int[] colorTable(ImageInputStream in, int bits) throws IOException {
        int n = 1 << bits;
        byte[] raw = new byte[3 * n];
        in.readFully(raw);
        int[] table = new int[n];
        for (int i = 0; i < n; i++) {
            table[i] = (raw[3 * i] & 255) << 16 | (raw[3 * i + 1] & 255) << 8 | (raw[3 * i + 2] & 255);
        }
        return table;
    }

    private static boolean isGreyRamp(int[] table) {
        if (table == null) {
            return true;
        }
        for (int i = 0; i < table.length; i++) {
            if (table[i] != (i << 16 | i << 8 | i)) {
                return false;
            }
        }
        return true;
    }

    private static int u16(ImageInputStream in) throws IOException {
        int lo = in.readUnsignedByte();
        return lo | in.readUnsignedByte() << 8;
    }
}
