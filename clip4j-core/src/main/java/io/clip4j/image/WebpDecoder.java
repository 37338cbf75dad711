package io.clip4j.image;

import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * WebP (first frame) via the TwelveMonkeys ImageIO plugin, as RGB or RGBA like Pillow. Lossless WebP
 * decodes to the exact stored pixels; lossy WebP is decoded by TwelveMonkeys' own VP8 decoder whose
 * YUV-to-RGB conversion is not libwebp's, so its pixels can differ slightly from PIL's.
 */
final class WebpDecoder {

    private WebpDecoder() {
    }

    static DecodedImage decode(ImageInputStream in, String name, long maxPixels) throws IOException {
        ImageReader reader = ImageIoSupport.reader("webp", null, name);
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
}
