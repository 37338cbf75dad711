package io.clip4j.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The selected resample passes (the Vector API ones where available) against the scalar reference, byte for
 * byte: every mode, filter, up- and downscale, sizes that are not multiples of the vector length, 1-pixel
 * images, and the extremes 0 and 255 (the clip). Also runs in the 256- and 128-bit JVMs of the build.
 */
class ImageKernelsTest {

    private static final ImageKernels FAST = ImageKernels.get();
    private static final ImageKernels REF = ImageKernels.scalar();

    private static final int[][] GEOMETRIES = {
            {1, 1, 1, 7}, {1, 1, 9, 1}, {1, 1, 5, 5}, {1, 17, 1, 5}, {1, 17, 3, 40}, {17, 1, 5, 1}, {17, 1, 40, 3},
            {40, 30, 7, 30}, {40, 30, 40, 7}, {40, 30, 97, 61}, {97, 61, 40, 30}, {97, 61, 224, 224},
            {500, 20, 224, 224}, {3, 500, 2, 17}, {16, 16, 8, 8}, {33, 47, 31, 17}, {300, 257, 29, 23},
            {640, 480, 298, 224}, {31, 8, 7, 8}, {8, 31, 8, 7}, {2, 64, 1, 3}};

    @Test
    void vectorPassesAreUsedWhereTheVectorModuleIs() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean wide = !"128".equals(System.getProperty("clip4j.vector.bits"));
        if (module && wide && !"scalar".equals(System.getProperty("clip4j.kernels"))) {
            assertTrue(FAST.name().startsWith("vector-"), FAST.name());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Resample.class, names = "NEAREST", mode = EnumSource.Mode.EXCLUDE)
    void sameBytesAsTheScalarPassesOnRandomImages(Resample filter) {
        long seed = 1;
        for (int[] g : GEOMETRIES) {
            for (int channels = 1; channels <= 4; channels++) {
                byte[] src = random(g[0] * g[1] * channels, seed++);
                byte[] expected = PilResize.resample(src, g[0], g[1], channels, g[2], g[3], filter, REF);
                byte[] actual = PilResize.resample(src, g[0], g[1], channels, g[2], g[3], filter, FAST);
                assertArrayEquals(expected, actual, () -> filter + " " + Arrays.toString(g) + " first difference at "
                        + Arrays.mismatch(expected, actual));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ImageMode.class, names = {"L", "LA", "RGB", "RGBA", "CMYK"})
    void sameImagesThroughResizeInEveryMode(ImageMode mode) {
        long seed = 100;
        for (int[] g : GEOMETRIES) {
            DecodedImage im = DecodedImage.of(g[0], g[1], mode, random(g[0] * g[1] * mode.channels(), seed++));
            for (Resample filter : new Resample[] {Resample.BICUBIC, Resample.BILINEAR, Resample.LANCZOS}) {
                DecodedImage expected = PilResize.resize(im, g[2], g[3], filter, REF);
                DecodedImage actual = PilResize.resize(im, g[2], g[3], filter, FAST);
                assertArrayEquals(expected.pixels(), actual.pixels(), mode + " " + filter + " " + Arrays.toString(g));
            }
        }
    }

    @Test
    void extremesClipTheSameWay() {
        // Black/white stripes and checkerboards drive bicubic and Lanczos overshoot below 0 and above 255.
        int w = 53;
        int h = 37;
        byte[] src = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    boolean on = c == 0 ? x % 2 == 0 : c == 1 ? (x + y) % 2 == 0 : (x / 3 + y / 2) % 2 == 0;
                    src[(y * w + x) * 3 + c] = (byte) (on ? 255 : 0);
                }
            }
        }
        for (Resample filter : new Resample[] {Resample.BICUBIC, Resample.LANCZOS, Resample.HAMMING}) {
            boolean clipped = false;
            for (int[] size : new int[][] {{19, 11}, {106, 74}, {53, 80}, {20, 37}}) {
                byte[] expected = PilResize.resample(src, w, h, 3, size[0], size[1], filter, REF);
                byte[] actual = PilResize.resample(src, w, h, 3, size[0], size[1], filter, FAST);
                assertArrayEquals(expected, actual, filter + " " + Arrays.toString(size));
                for (byte b : expected) {
                    clipped |= b == 0 || b == (byte) 255;
                }
            }
            assertTrue(clipped, "the samples reach the clip");
        }
    }

    @Test
    void twelveMegapixelDownscaleAsInTheIndexer() {
        int w = 4000;
        int h = 3000;
        byte[] src = random(w * h * 3, 7);
        // smooth it a little so the values are not all mid-range after averaging
        for (int i = 3; i < src.length; i++) {
            src[i] = (byte) (((src[i] & 255) + (src[i - 3] & 255) * 3) / 4);
        }
        byte[] expected = PilResize.resample(src, w, h, 3, 298, 224, Resample.BICUBIC, REF);
        byte[] actual = PilResize.resample(src, w, h, 3, 298, 224, Resample.BICUBIC, FAST);
        assertEquals(298 * 224 * 3, actual.length);
        assertArrayEquals(expected, actual);
    }

    @Test
    void yccToRgbEqualsLibjpegTablesAtEveryLength() {
        for (int pixels = 0; pixels < 200; pixels++) {
            byte[] px = random(3 * pixels, pixels);
            byte[] expected = px.clone();
            REF.yccToRgbInPlace(expected);
            FAST.yccToRgbInPlace(px);
            assertArrayEquals(expected, px, pixels + " pixels");
        }
    }

    @Test
    void yccToRgbCoversAllInputTriples() {
        // every (Y, Cb, Cr): the extremes clamp, and each value must equal libjpeg's table arithmetic
        byte[] px = new byte[256 * 256 * 256 * 3];
        for (int i = 0; i < 256 * 256 * 256; i++) {
            px[3 * i] = (byte) (i >> 16);
            px[3 * i + 1] = (byte) (i >> 8);
            px[3 * i + 2] = (byte) i;
        }
        byte[] expected = px.clone();
        REF.yccToRgbInPlace(expected);
        FAST.yccToRgbInPlace(px);
        assertArrayEquals(expected, px);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
