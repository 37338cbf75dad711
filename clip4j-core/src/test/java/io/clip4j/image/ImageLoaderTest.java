package io.clip4j.image;

import io.clip4j.weights.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoding: exactness against libjpeg-turbo / PIL, PIL modes per format, and refusal of bad input. */
class ImageLoaderTest {

    private static final ImageLoader LOADER = new ImageLoader();

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- exactness

    @Test
    void chinaJpegDecodesExactlyLikeLibjpegTurbo() {
        DecodedImage ours = LOADER.load(TestData.image("china.jpg"));
        DecodedImage ref = LOADER.load(TestData.image("china.jpg.decoded.png"));
        assertEquals(ImageMode.RGB, ours.mode());
        assertEquals(ref.width(), ours.width());
        assertEquals(ref.height(), ours.height());
        int differing = 0;
        for (int i = 0; i < ref.width() * ref.height(); i++) {
            for (int c = 0; c < 3; c++) {
                if (ours.pixels()[3 * i + c] != ref.pixels()[3 * i + c]) {
                    differing++;
                    break;
                }
            }
        }
        assertEquals(0, differing, "pixels differing from libjpeg-turbo's decode");
    }

    @Test
    void cmykJpegMatchesPilsCmykValues() {
        DecodedImage ours = LOADER.load(TestData.image("cmyk.jpg"));
        assertEquals(ImageMode.CMYK, ours.mode());
        try (SafeTensorsFile golden = SafeTensorsFile.open(TestData.preprocess().resolve("golden.safetensors"))) {
            assertArrayEquals(new long[] {160, 160, 4}, golden.info("cmyk.decoded").shape());
            byte[] expected = golden.bytes("cmyk.decoded").toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(expected, ours.pixels());
        }
    }

    @Test
    void paletteGrayAndRgbaPngsKeepPilModes() {
        DecodedImage p = LOADER.load(TestData.image("palette.png"));
        assertEquals(ImageMode.P, p.mode());
        assertNotNull(p.palette());
        assertEquals(ImageMode.L, LOADER.load(TestData.image("gray.png")).mode());
        assertEquals(ImageMode.RGBA, LOADER.load(TestData.image("rgba.png")).mode());
        DecodedImage one = LOADER.load(TestData.image("one_pixel.png"));
        assertArrayEquals(new byte[] {(byte) 200, 30, 90}, one.pixels());
    }

    @Test
    void sixteenBitPngsKeepTheHighByte() throws IOException {
        BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        int[] values = {0, 255, 256, 0x7FFF, 0xFF00, 0xFFFF};
        gray.getRaster().setPixels(0, 0, 3, 2, values);
        DecodedImage im = LOADER.load(png(gray), "gray16.png");
        assertEquals(ImageMode.L, im.mode());
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i] >> 8, im.pixels()[i] & 255);
        }
    }

    @Test
    void palettePngWithTransparencyKeepsIndicesPaletteAndAlpha() throws IOException {
        byte[] r = {10, 20, 30};
        byte[] g = {40, 50, 60};
        byte[] b = {70, 80, 90};
        byte[] a = {(byte) 255, 0, (byte) 128};
        BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 3, r, g, b, a));
        img.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 1, 2, 1});
        DecodedImage im = LOADER.load(png(img), "pal.png");
        assertEquals(ImageMode.P, im.mode());
        // ImageIO's writer reorders the palette (transparent entries first), so look entries up by colour
        int[] rgbOfPixel = new int[4];
        for (int x = 0; x < 4; x++) {
            rgbOfPixel[x] = im.palette().color(im.pixels()[x] & 255);
        }
        assertArrayEquals(new int[] {0x0A2846, 0x143250, 0x1E3C5A, 0x143250}, rgbOfPixel);
        assertEquals(0, im.palette().alpha()[im.pixels()[1] & 255]);
        assertEquals(128, im.palette().alpha()[im.pixels()[2] & 255] & 255);
        assertEquals(255, im.palette().alpha()[im.pixels()[0] & 255] & 255);
        // convert("RGB") ignores transparency, as PIL's does
        assertArrayEquals(new byte[] {10, 40, 70, 20, 50, 80, 30, 60, 90, 20, 50, 80}, PilConvert.toRgb(im).pixels());
    }

    @Test
    void gifFirstFrameIsPaletteImage() throws IOException {
        byte[] r = {0, (byte) 255, 0, 0};
        byte[] g = {0, 0, (byte) 255, 0};
        byte[] b = {0, 0, 0, (byte) 255};
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 4, r, g, b));
        img.getRaster().setPixels(0, 0, 3, 2, new int[] {0, 1, 2, 3, 2, 1});
        DecodedImage im = LOADER.load(encode(img, "gif"), "x.gif");
        assertEquals(ImageMode.P, im.mode());
        assertEquals("GIF", im.format());
        assertArrayEquals(new byte[] {0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, 0, (byte) 255, 0,
                (byte) 255, 0, 0}, PilConvert.toRgb(im).pixels());
    }

    @Test
    void bmpDecodesAsRgb() throws IOException {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR);
        img.setRGB(0, 0, 0x102030);
        img.setRGB(1, 0, 0xFFFFFF);
        img.setRGB(0, 1, 0x000000);
        img.setRGB(1, 1, 0xA0B0C0);
        DecodedImage im = LOADER.load(encode(img, "bmp"), "x.bmp");
        assertEquals(ImageMode.RGB, im.mode());
        assertArrayEquals(new byte[] {0x10, 0x20, 0x30, -1, -1, -1, 0, 0, 0, (byte) 0xA0, (byte) 0xB0, (byte) 0xC0},
                im.pixels());
    }

    /** A 5x4 lossless RGBA WebP written by Pillow 9.4 / libwebp ({@code lossless=True, exact=True}). */
    @Test
    void losslessWebpDecodesExactly() {
        byte[] webp = Base64.getDecoder().decode("UklGRkgAAABXRUJQVlA4TDwAAAAvBMAAEM1kRP/DQZhtRDKMMpy/3T0nd44MRJLxk"
                + "kgiiQQiSCCCBCJIIIkkH1tAAIkKHo55AIYDsKH4oxE=");
        DecodedImage im = LOADER.load(webp, "tiny.webp");
        assertEquals(ImageMode.RGBA, im.mode());
        byte[] expected = new byte[5 * 4 * 4];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                for (int c = 0; c < 4; c++) {
                    expected[(y * 5 + x) * 4 + c] = (byte) (c < 3 ? (x * 53 + y * 29 + c * 71) % 256
                            : ((x + y) % 3 != 0 ? 255 : (x * 40 + y * 10) % 256));
                }
            }
        }
        assertArrayEquals(expected, im.pixels());
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> LOADER.load(java.util.Arrays.copyOf(webp, 60), "cut.webp"));
        assertTrue(e.getMessage().startsWith("cut.webp: truncated WebP"), e.getMessage());
    }

    @Test
    void formatComesFromContentNotName() throws IOException {
        Path png = tmp.resolve("actually-a-png.jpg");
        Files.copy(TestData.image("gray.png"), png);
        assertEquals("PNG", LOADER.load(png).format());
    }

    // ---------------------------------------------------------------- hostile input

    @Test
    void pngDeclaring100000SquaredPixelsIsRefusedBeforeDecoding() throws IOException {
        Path bomb = tmp.resolve("bomb.png");
        Files.write(bomb, pngHeaderOnly(100_000, 100_000));
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> LOADER.load(bomb));
        assertTrue(e.getMessage().contains(bomb.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @Test
    void jpegDeclaringHugeSizeIsRefusedBeforeDecoding() {
        // SOI, SOF0 65000x65000 3 components, SOS: no scan data follows
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 17, 8, (byte) 0xFD, (byte) 0xE8,
                (byte) 0xFD, (byte) 0xE8, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, (byte) 0xFF, (byte) 0xDA, 0, 12, 3, 1, 0,
                2, 0x11, 3, 0x11, 0, 63, 0};
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> LOADER.load(jpeg, "huge.jpg"));
        assertTrue(e.getMessage().startsWith("huge.jpg: "), e.getMessage());
        assertTrue(e.getMessage().contains("65000x65000"), e.getMessage());
    }

    @Test
    void pixelLimitIsConfigurable() {
        Path china = TestData.image("china.jpg"); // 448 x 299 = 133952 pixels
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> new ImageLoader(133_951).load(china));
        assertTrue(e.getMessage().contains("133951"), e.getMessage());
        assertEquals(448, new ImageLoader(133_952).load(china).width());
        assertThrows(ImageDecodeException.class, () -> new ImageLoader(100).load(TestData.image("gray.png")));
        assertThrows(IllegalArgumentException.class, () -> new ImageLoader(0));
        assertEquals(ImageLoader.DEFAULT_MAX_PIXELS, 178_956_970L);
    }

    @Test
    void pixelLimitSystemProperty() {
        String old = System.getProperty(ImageLoader.MAX_PIXELS_PROPERTY);
        try {
            System.setProperty(ImageLoader.MAX_PIXELS_PROPERTY, "5000");
            ImageLoader limited = new ImageLoader();
            assertEquals(5000, limited.maxPixels());
            assertThrows(ImageDecodeException.class, () -> limited.load(TestData.image("gray.png")));
            System.setProperty(ImageLoader.MAX_PIXELS_PROPERTY, "lots");
            assertThrows(IllegalArgumentException.class, ImageLoader::new);
        } finally {
            if (old == null) {
                System.clearProperty(ImageLoader.MAX_PIXELS_PROPERTY);
            } else {
                System.setProperty(ImageLoader.MAX_PIXELS_PROPERTY, old);
            }
        }
        assertEquals(ImageLoader.DEFAULT_MAX_PIXELS, new ImageLoader().maxPixels());
    }

    @Test
    void textFileNamedJpgIsAClearError() throws IOException {
        Path f = tmp.resolve("notes.jpg");
        Files.writeString(f, "Hello, this is not a picture.\n", StandardCharsets.UTF_8);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> LOADER.load(f));
        assertTrue(e.getMessage().startsWith(f + ": not a recognised image"), e.getMessage());
        assertTrue(e.getMessage().contains("Hello, t"), e.getMessage());
    }

    @Test
    void truncatedJpegIsAnError() throws IOException {
        byte[] full = Files.readAllBytes(TestData.image("china.jpg"));
        Path f = tmp.resolve("half.jpg");
        Files.write(f, java.util.Arrays.copyOf(full, full.length / 2));
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> LOADER.load(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("truncated"), e.getMessage());
    }

    @Test
    void jpegCutInsideHeadersIsAnError() throws IOException {
        byte[] full = Files.readAllBytes(TestData.image("china.jpg"));
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> LOADER.load(java.util.Arrays.copyOf(full, 100), "cut.jpg"));
        assertTrue(e.getMessage().startsWith("cut.jpg: "), e.getMessage());
    }

    @Test
    void corruptJpegScanDataIsAnError() throws IOException {
        byte[] data = Files.readAllBytes(TestData.image("china.jpg"));
        // overwrite a stretch in the middle of the entropy-coded data with marker-like garbage
        for (int i = data.length / 2; i < data.length / 2 + 64; i += 2) {
            data[i] = (byte) 0xFF;
            data[i + 1] = (byte) 0xD3;
        }
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> LOADER.load(data, "corrupt.jpg"));
        assertTrue(e.getMessage().startsWith("corrupt.jpg: "), e.getMessage());
    }

    @Test
    void truncatedPngIsAnError() throws IOException {
        byte[] full = Files.readAllBytes(TestData.image("astronaut.png"));
        for (int len : new int[] {full.length / 2, full.length - 20, 40}) {
            Path f = tmp.resolve("cut" + len + ".png");
            Files.write(f, java.util.Arrays.copyOf(full, len));
            ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> LOADER.load(f), "length " + len);
            assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        }
    }

    @Test
    void truncatedGifAndGifBombAreErrors() throws IOException {
        byte[] r = new byte[16];
        byte[] g = new byte[16];
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            r[i] = (byte) (i * 16);
            g[i] = (byte) (255 - i * 16);
            b[i] = (byte) (i * 7);
        }
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(4, 16, r, g, b));
        java.util.Random rnd = new java.util.Random(3);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.getRaster().setSample(x, y, 0, rnd.nextInt(16));
            }
        }
        byte[] gif = encode(img, "gif");
        assertEquals(64, LOADER.load(gif, "ok.gif").width());
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> LOADER.load(java.util.Arrays.copyOf(gif, gif.length / 2), "half.gif"));
        assertTrue(e.getMessage().startsWith("half.gif: truncated GIF"), e.getMessage());
        byte[] bomb = gif.clone();
        bomb[6] = bomb[7] = bomb[8] = bomb[9] = (byte) 0xFF; // logical screen 65535 x 65535
        ImageDecodeException big = assertThrows(ImageDecodeException.class, () -> LOADER.load(bomb, "bomb.gif"));
        assertTrue(big.getMessage().contains("65535x65535"), big.getMessage());
    }

    @Test
    void zeroByteFileIsAnError() throws IOException {
        Path f = tmp.resolve("empty.png");
        Files.write(f, new byte[0]);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> LOADER.load(f));
        assertTrue(e.getMessage().startsWith(f + ": empty file"), e.getMessage());
    }

    @Test
    void missingFileAndDirectoryAreErrorsNamingThePath() {
        Path missing = tmp.resolve("nope.jpg");
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> LOADER.load(missing));
        assertTrue(e.getMessage().startsWith(missing + ": "), e.getMessage());
        ImageDecodeException d = assertThrows(ImageDecodeException.class, () -> LOADER.load(tmp));
        assertTrue(d.getMessage().startsWith(tmp + ": "), d.getMessage());
    }

    @Test
    void randomGarbageAfterValidSignaturesIsAnErrorNotACrash() {
        java.util.Random rnd = new java.util.Random(42);
        byte[][] signatures = {{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10},
                "GIF89a".getBytes(StandardCharsets.US_ASCII), "BM".getBytes(StandardCharsets.US_ASCII),
                "RIFF\0\0\0\0WEBP".getBytes(StandardCharsets.US_ASCII)};
        for (byte[] sig : signatures) {
            for (int trial = 0; trial < 20; trial++) {
                byte[] data = new byte[16 + rnd.nextInt(400)];
                rnd.nextBytes(data);
                System.arraycopy(sig, 0, data, 0, sig.length);
                String name = "garbage" + trial;
                try {
                    DecodedImage im = LOADER.load(data, name);
                    assertTrue(im.width() > 0); // a decoder may legitimately accept some garbage
                } catch (ImageDecodeException e) {
                    assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] png(BufferedImage img) throws IOException {
        return encode(img, "png");
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "no ImageIO writer for " + format);
        return out.toByteArray();
    }

    /** PNG signature + IHDR (8-bit RGB) with a correct CRC + an empty IDAT + IEND. */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 3, 0, 0, 0, 0, 1});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        java.nio.ByteBuffer len = java.nio.ByteBuffer.allocate(4).putInt(data.length);
        out.writeBytes(len.array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
