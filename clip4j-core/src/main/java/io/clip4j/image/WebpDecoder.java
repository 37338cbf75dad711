package io.clip4j.image;

import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteOrder;

/**
 * WebP (first frame) via the TwelveMonkeys ImageIO plugin, as RGB or RGBA like Pillow. Lossless WebP
 * decodes to the exact stored pixels; lossy WebP is decoded by TwelveMonkeys' own VP8 decoder whose
 * YUV-to-RGB conversion is not libwebp's, so its pixels can differ slightly from PIL's.
 */
final class WebpDecoder {

    private WebpDecoder() {
    }

    static DecodedImage decode(ImageInputStream in, String name, long maxPixels) throws IOException {
        checkComplete(in, name);
        ImageReader reader = ImageIoSupport.reader("webp", name);
        try {
            ImageIoSupport.attach(reader, in);
            int[] size = ImageIoSupport.guardedSize(reader, name, maxPixels);
            BufferedImage image = reader.read(0);
            int w = size[0];
            int h = size[1];
            if (image.getWidth() != w || image.getHeight() != h) {
                throw new ImageDecodeException(name + ": WebP decoder returned " + image.getWidth() + "x"
                        + image.getHeight() + ", header says " + w + "x" + h);
            }
            boolean alpha = image.getColorModel().hasAlpha();
            ImageMode mode = alpha ? ImageMode.RGBA : ImageMode.RGB;
            int c = mode.channels();
            byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), c)];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int p = row[x];
                    int o = (y * w + x) * c;
                    out[o] = (byte) (p >> 16);
                    out[o + 1] = (byte) (p >> 8);
                    out[o + 2] = (byte) p;
                    if (alpha) {
                        out[o + 3] = (byte) (p >>> 24);
                    }
                }
            }
            return new DecodedImage(w, h, mode, out, null, "WEBP");
        } finally {
            reader.dispose();
        }
    }

    /**
     * Refuses a file shorter than its RIFF header and chunk sizes declare: the WebP reader decodes such
     * a truncated file without complaint (libwebp, and so PIL, report it as truncated).
     */
    private static void checkComplete(ImageInputStream in, String name) throws IOException {
        try {
            in.seek(4);
            in.setByteOrder(ByteOrder.LITTLE_ENDIAN);
            long riffEnd = 8 + in.readUnsignedInt();
            in.seek(12);
            while (in.getStreamPosition() + 8 <= riffEnd) {
                in.readInt(); // chunk FourCC
                long size = in.readUnsignedInt();
                long end = in.getStreamPosition() + size + (size & 1);
                if (end - (size & 1) > riffEnd) {
                    throw new ImageDecodeException(name + ": corrupt WebP (chunk extends past the RIFF size)");
                }
                in.seek(end - 1);
                if (size > 0 && in.read() < 0) {
                    throw new ImageDecodeException(name + ": truncated WebP (file ends inside a chunk)");
                }
                in.seek(end);
            }
        } catch (EOFException e) {
            throw new ImageDecodeException(name + ": truncated WebP", e);
        } finally {
            in.setByteOrder(ByteOrder.BIG_ENDIAN);
        }
        in.seek(0);
    }
}
