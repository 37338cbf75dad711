package io.clip4j.image;

import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteOrder;

/**
 * BMP via ImageIO's reader, mapped to the mode Pillow 9.4's {@code BmpImagePlugin} picks: palette
 * images become "1" or L when the palette is the plain black/white or grey ramp, P otherwise; 16-bit
 * images become RGB with each field scaled {@code v * 255 / max} (integer division, as PIL's
 * {@code BGR;15}/{@code BGR;16} unpackers); 32-bit images are RGB unless their BITFIELDS masks
 * include alpha.
 */
final class BmpDecoder {

    private static final int BITFIELDS = 3;

    private BmpDecoder() {
    }

    static DecodedImage decode(ImageInputStream in, String name, long maxPixels) throws IOException {
        int bits;
        int compression;
        long alphaMask = 0;
        boolean allMasksZero = false;
        try {
            in.seek(14);
            in.setByteOrder(ByteOrder.LITTLE_ENDIAN);
            int headerSize = in.readInt();
            if (headerSize == 12) {
                in.skipBytes(4);
                in.readUnsignedShort();
                bits = in.readUnsignedShort();
                compression = 0;
            } else {
                in.skipBytes(8);
                in.readUnsignedShort();
                bits = in.readUnsignedShort();
                compression = in.readInt();
                if (compression == BITFIELDS && bits == 32) {
                    in.seek(14 + 40);
                    long r = in.readUnsignedInt();
                    long g = in.readUnsignedInt();
                    long b = in.readUnsignedInt();
                    alphaMask = headerSize >= 56 ? in.readUnsignedInt() : 0;
                    allMasksZero = r == 0 && g == 0 && b == 0 && alphaMask == 0;
                }
            }
        } catch (EOFException e) {
            throw new ImageDecodeException(name + ": truncated BMP header", e);
        } finally {
            in.setByteOrder(ByteOrder.BIG_ENDIAN);
            in.seek(0);
        }
        ImageReader reader = ImageIoSupport.reader("bmp", name);
        try {
            ImageIoSupport.attach(reader, in);
            int[] size = ImageIoSupport.guardedSize(reader, name, maxPixels);
            BufferedImage image = reader.read(0);
            Raster raster = image.getRaster();
            int w = size[0];
            int h = size[1];
            ColorModel cm = image.getColorModel();
            if (cm instanceof IndexColorModel icm) {
                return paletteImage(raster, icm, w, h);
            }
            if (raster.getNumBands() == 1 && bits <= 8) {
                // ImageIO turns a grey-ramp palette into a gray image; its samples are the grey levels.
                return greyImage(raster, w, h, bits);
            }
            boolean alpha = bits == 32 && (alphaMask != 0 || allMasksZero);
            ImageMode mode = alpha ? ImageMode.RGBA : ImageMode.RGB;
            int c = mode.channels();
            byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), c)];
            int bands = raster.getNumBands();
            int[] max = new int[bands];
            for (int b = 0; b < bands; b++) {
                max[b] = (1 << raster.getSampleModel().getSampleSize(b)) - 1;
            }
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        int v = ch < bands ? row[x * bands + ch] : 255;
                        int m = ch < bands ? max[ch] : 255;
                        out[(y * w + x) * c + ch] = (byte) (m == 255 ? v : v * 255 / m);
                    }
                }
            }
            return new DecodedImage(w, h, mode, out, null, "BMP");
        } finally {
            reader.dispose();
        }
    }

    private static DecodedImage greyImage(Raster raster, int w, int h, int bits) {
        byte[] px = new byte[Math.multiplyExact(w, h)];
        int[] row = new int[w];
        int max = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                px[y * w + x] = (byte) (max == 255 ? row[x] : row[x] * 255 / max);
            }
        }
        return new DecodedImage(w, h, bits == 1 ? ImageMode.BILEVEL : ImageMode.L, px, null, "BMP");
    }

    private static DecodedImage paletteImage(Raster raster, IndexColorModel icm, int w, int h) {
        byte[] px = new byte[Math.multiplyExact(w, h)];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                px[y * w + x] = (byte) row[x];
            }
        }
        int n = Math.min(icm.getMapSize(), 256);
        int[] table = new int[n];
        boolean grey = true;
        for (int i = 0; i < n; i++) {
            table[i] = icm.getRGB(i) & 0xFFFFFF;
            int expect = n == 2 ? (i == 0 ? 0 : 255) : i;
            grey &= table[i] == (expect << 16 | expect << 8 | expect);
        }
        if (grey) {
            // PIL ditches an all-grey palette: index i is grey level i (or 0/255 for two colours).
            if (n == 2) {
                for (int i = 0; i < px.length; i++) {
                    px[i] = px[i] == 0 ? 0 : (byte) 255;
                }
                return new DecodedImage(w, h, ImageMode.BILEVEL, px, null, "BMP");
            }
            return new DecodedImage(w, h, ImageMode.L, px, null, "BMP");
        }
        return new DecodedImage(w, h, ImageMode.P, px, Palette.of(table, null), "BMP");
    }
}
