package io.clip4j.image;

import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.Raster;
import java.io.IOException;

/**
 * PNG via ImageIO's reader, mapped to PIL's modes from the IHDR colour type and bit depth: gray 1-bit
 * to "1", gray 2/4/8-bit to L (scaled like PIL's {@code L;2}/{@code L;4} unpackers), palette to P (with
 * the PLTE table and tRNS alpha), gray+alpha to LA, RGB, RGBA.
 *
 * <p>16-bit samples keep their high byte, which is what PIL does for RGB, RGBA and LA. For 16-bit
 * grayscale PIL opens mode "I" and {@code convert("RGB")} clips every value above 255 to white; this
 * decoder deliberately scales it to L (high byte) instead, so such images stay usable.
 */
final class PngDecoder {

    private PngDecoder() {
    }

    static DecodedImage decode(ImageInputStream in, String name, long maxPixels) throws IOException {
        ImageReader reader = ImageIoSupport.reader("png", name);
        try {
            ImageIoSupport.attach(reader, in);
            int[] size = ImageIoSupport.guardedSize(reader, name, maxPixels);
            IIOMetadataNode tree = ImageIoSupport.nativeTree(reader.getImageMetadata(0));
            IIOMetadataNode ihdr = ImageIoSupport.child(tree, "IHDR");
            if (ihdr == null) {
                throw new ImageDecodeException(name + ": PNG without IHDR");
            }
            int bitDepth = ImageIoSupport.intAttr(ihdr, "bitDepth", 8);
            String colorType = ImageIoSupport.strAttr(ihdr, "colorType");
            Raster raster = reader.read(0).getRaster();
            int w = size[0];
            int h = size[1];
            if (raster.getWidth() != w || raster.getHeight() != h) {
                throw new ImageDecodeException(name + ": PNG decoder returned a " + raster.getWidth() + "x"
                        + raster.getHeight() + " image, header says " + w + "x" + h);
            }
            return switch (colorType) {
                case "Grayscale" -> bitDepth == 1
                        ? new DecodedImage(w, h, ImageMode.BILEVEL, samples(raster, 1, bitDepth), null, "PNG")
                        : new DecodedImage(w, h, ImageMode.L, samples(raster, 1, bitDepth), null, "PNG");
                case "GrayAlpha" -> new DecodedImage(w, h, ImageMode.LA, samples(raster, 2, bitDepth), null, "PNG");
                case "RGB" -> new DecodedImage(w, h, ImageMode.RGB, samples(raster, 3, bitDepth), null, "PNG");
                case "RGBAlpha" -> new DecodedImage(w, h, ImageMode.RGBA, samples(raster, 4, bitDepth), null, "PNG");
                case "Palette" -> new DecodedImage(w, h, ImageMode.P, indices(raster), palette(tree, name), "PNG");
                default -> throw new ImageDecodeException(name + ": unsupported PNG colour type " + colorType);
            };
        } finally {
            reader.dispose();
        }
    }

    /**
     * The first {@code channels} bands scaled to 8 bits (ImageIO may append an alpha band for a tRNS
     * colour key; PIL keeps that as transparency info only, so it is dropped).
     */
    private static byte[] samples(Raster raster, int channels, int bitDepth) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        if (bands < channels) {
            throw new ImageDecodeException("PNG raster has " + bands + " bands, expected " + channels);
        }
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), channels)];
        int[] row = new int[w * bands];
        int max = (1 << bitDepth) - 1;
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            int o = y * w * channels;
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    int v = row[x * bands + c];
                    out[o++] = (byte) switch (bitDepth) {
                        case 8 -> v;
                        case 16 -> v >> 8;
                        // PIL's 1/2/4-bit unpackers expand to 0..255 by multiplying (0xFF, 0x55, 0x11)
                        default -> v * (255 / max);
                    };
                }
            }
        }
        return out;
    }

    private static byte[] indices(Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[Math.multiplyExact(w, h)];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) row[x];
            }
        }
        return out;
    }

    private static Palette palette(IIOMetadataNode tree, String name) {
        IIOMetadataNode plte = ImageIoSupport.child(tree, "PLTE");
        if (plte == null) {
            throw new ImageDecodeException(name + ": palette PNG without PLTE chunk");
        }
        byte[] rgb = Palette.greyRamp();
        int size = 0;
        var entries = plte.getElementsByTagName("PLTEEntry");
        for (int i = 0; i < entries.getLength(); i++) {
            IIOMetadataNode e = (IIOMetadataNode) entries.item(i);
            int idx = ImageIoSupport.intAttr(e, "index", -1);
            if (idx < 0 || idx > 255) {
                continue;
            }
            rgb[3 * idx] = (byte) ImageIoSupport.intAttr(e, "red", 0);
            rgb[3 * idx + 1] = (byte) ImageIoSupport.intAttr(e, "green", 0);
            rgb[3 * idx + 2] = (byte) ImageIoSupport.intAttr(e, "blue", 0);
            size = Math.max(size, idx + 1);
        }
        byte[] alpha = null;
        IIOMetadataNode trns = ImageIoSupport.child(tree, "tRNS_Palette");
        if (trns != null) {
            alpha = new byte[256];
            java.util.Arrays.fill(alpha, (byte) 255);
            var list = trns.getElementsByTagName("tRNS_PaletteEntry");
            for (int i = 0; i < list.getLength(); i++) {
                IIOMetadataNode e = (IIOMetadataNode) list.item(i);
                int idx = ImageIoSupport.intAttr(e, "index", -1);
                if (idx >= 0 && idx < 256) {
                    alpha[idx] = (byte) ImageIoSupport.intAttr(e, "alpha", 255);
                }
            }
        }
        return new Palette(rgb, size, alpha);
    }
}
