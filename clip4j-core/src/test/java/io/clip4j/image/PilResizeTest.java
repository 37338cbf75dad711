package io.clip4j.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invariants of {@link PilResize} that hold for any correct implementation, on odd geometries. */
class PilResizeTest {

    private static final int[][] GEOMETRIES = {
            {1, 1, 1, 7}, {1, 1, 9, 1}, {1, 1, 224, 224}, {1, 17, 1, 5}, {1, 17, 3, 40}, {17, 1, 5, 1},
            {17, 1, 40, 3}, {40, 30, 7, 30}, {40, 30, 40, 7}, {40, 30, 97, 61}, {97, 61, 224, 224},
            {500, 20, 224, 224}, {3, 500, 2, 17}};

    @ParameterizedTest
    @EnumSource(Resample.class)
    void constantImageStaysConstant(Resample filter) {
        for (int[] g : GEOMETRIES) {
            for (int value : new int[] {0, 1, 128, 254, 255}) {
                byte[] src = new byte[g[0] * g[1] * 3];
                Arrays.fill(src, (byte) value);
                DecodedImage out = PilResize.resize(DecodedImage.of(g[0], g[1], ImageMode.RGB, src), g[2], g[3], filter);
                assertEquals(g[2], out.width());
                assertEquals(g[3], out.height());
                for (byte b : out.pixels()) {
                    assertEquals(value, b & 255, filter + " " + Arrays.toString(g));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Resample.class)
    void sameSizeIsAnIdenticalCopy(Resample filter) {
        DecodedImage im = random(ImageMode.RGBA, 13, 7, 1);
        DecodedImage out = PilResize.resize(im, 13, 7, filter);
        assertArrayEquals(im.pixels(), out.pixels()); // no premultiply round trip either
        assertNotSame(im.pixels(), out.pixels());
    }

    @Test
    void nearestOnlyCopiesSourcePixelsAndIntegerUpscaleReplicates() {
        DecodedImage im = random(ImageMode.RGB, 5, 3, 2);
        DecodedImage up = PilResize.resize(im, 15, 6, Resample.NEAREST);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 15; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(im.sample(x / 3, y / 2, c), up.sample(x, y, c));
                }
            }
        }
    }

    @Test
    void nonNegativeKernelsStayWithinSourceRangeWhileBicubicMayOvershoot() {
        // a hard edge: 0 | 255
        byte[] src = new byte[20];
        Arrays.fill(src, 10, 20, (byte) 255);
        for (Resample f : new Resample[] {Resample.BILINEAR, Resample.BOX}) {
            byte[] out = PilResize.resample(src, 20, 1, 1, 47, 1, f);
            int prev = 0;
            for (byte b : out) {
                assertTrue((b & 255) >= prev, f + " must be monotonic on a step edge");
                prev = b & 255;
            }
        }
        // bicubic (a = -0.5) rings around a step when upscaling; clamping keeps it in 0..255
        byte[] mid = new byte[20];
        Arrays.fill(mid, (byte) 100);
        Arrays.fill(mid, 10, 20, (byte) 200);
        byte[] cubic = PilResize.resample(mid, 20, 1, 1, 47, 1, Resample.BICUBIC);
        int min = 255;
        int max = 0;
        for (byte b : cubic) {
            min = Math.min(min, b & 255);
            max = Math.max(max, b & 255);
        }
        assertTrue(min < 100 && max > 200, "bicubic overshoot expected, got " + min + ".." + max);
    }

    @Test
    void filtersAgreeOnOneByOneAndDifferOnDetail() {
        DecodedImage im = random(ImageMode.L, 64, 48, 3);
        byte[] cubic = PilResize.resize(im, 23, 17, Resample.BICUBIC).pixels();
        byte[] linear = PilResize.resize(im, 23, 17, Resample.BILINEAR).pixels();
        byte[] nearest = PilResize.resize(im, 23, 17, Resample.NEAREST).pixels();
        assertTrue(!Arrays.equals(cubic, linear) && !Arrays.equals(linear, nearest));
        DecodedImage dot = DecodedImage.of(1, 1, ImageMode.L, new byte[] {77});
        for (Resample f : Resample.values()) {
            for (byte b : PilResize.resize(dot, 3, 5, f).pixels()) {
                assertEquals(77, b);
            }
        }
    }

    @Test
    void onlyTheChangedDimensionIsResampled() {
        // Pillow skips the pass whose dimension is unchanged: a width-only resize treats rows independently
        DecodedImage im = random(ImageMode.L, 30, 4, 4);
        byte[] out = PilResize.resize(im, 11, 4, Resample.BICUBIC).pixels();
        for (int y = 0; y < 4; y++) {
            byte[] row = Arrays.copyOfRange(im.pixels(), y * 30, y * 30 + 30);
            byte[] alone = PilResize.resample(row, 30, 1, 1, 11, 1, Resample.BICUBIC);
            assertArrayEquals(alone, Arrays.copyOfRange(out, y * 11, y * 11 + 11));
        }
    }

    @Test
    void paletteAndBilevelImagesAlwaysUseNearest() {
        DecodedImage p = new DecodedImage(6, 4, ImageMode.P, random(ImageMode.L, 6, 4, 5).pixels(),
                new Palette(Palette.greyRamp(), 256, null), null);
        assertArrayEquals(PilResize.resize(p, 4, 9, Resample.NEAREST).pixels(),
                PilResize.resize(p, 4, 9, Resample.BICUBIC).pixels());
        assertEquals(p.palette(), PilResize.resize(p, 4, 9, Resample.BICUBIC).palette());
    }

    @Test
    void transparentPixelsDoNotBleedColourWhenResizingRgba() {
        // left half opaque red, right half fully transparent green: premultiplied resizing keeps
        // every partially transparent result pixel pure red
        int w = 16;
        byte[] px = new byte[w * 4 * 4];
        for (int i = 0; i < w * 4; i++) {
            boolean left = (i % w) < w / 2;
            px[4 * i] = (byte) (left ? 255 : 0);
            px[4 * i + 1] = (byte) (left ? 0 : 255);
            px[4 * i + 3] = (byte) (left ? 255 : 0);
        }
        DecodedImage out = PilResize.resize(DecodedImage.of(w, 4, ImageMode.RGBA, px), 7, 3, Resample.BICUBIC);
        for (int i = 0; i < 7 * 3; i++) {
            if ((out.pixels()[4 * i + 3] & 255) > 0) {
                assertEquals(0, out.pixels()[4 * i + 1], "green leaked into pixel " + i);
            }
        }
    }

    @Test
    void resizeIsThreadSafe() throws Exception {
        DecodedImage im = random(ImageMode.RGB, 321, 123, 6);
        byte[] expected = PilResize.resize(im, 77, 55, Resample.BICUBIC).pixels();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<byte[]>>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> PilResize.resize(im, 77, 55, Resample.BICUBIC).pixels()));
            }
            for (var f : futures) {
                assertArrayEquals(expected, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsBadArguments() {
        DecodedImage im = random(ImageMode.RGB, 4, 4, 7);
        assertThrows(IllegalArgumentException.class, () -> PilResize.resize(im, 0, 4, Resample.BICUBIC));
        assertThrows(IllegalArgumentException.class,
                () -> PilResize.resample(new byte[5], 2, 2, 1, 3, 3, Resample.BICUBIC));
        assertThrows(IllegalArgumentException.class,
                () -> PilResize.resample(new byte[4], 2, 2, 1, 3, 3, Resample.NEAREST));
    }

    static DecodedImage random(ImageMode mode, int w, int h, long seed) {
        byte[] px = new byte[w * h * mode.channels()];
        new Random(seed).nextBytes(px);
        return DecodedImage.of(w, h, mode, px);
    }
}
