package io.clip4j.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.imageio.stream.MemoryCacheImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * clip4j's own baseline decoder against the ImageIO (IJG libjpeg 6b) reference path, byte for byte: generated
 * files of every size class, quality, chroma subsampling, restart interval, default and optimised Huffman tables;
 * the fixtures; the cases it must hand to ImageIO; and truncated or corrupted files, for which the loader must
 * behave exactly as the ImageIO path does (same pixels, or an {@link ImageDecodeException}).
 */
class BaselineJpegDecoderTest {

    private static final ImageLoader LOADER = new ImageLoader();

    static Stream<Arguments> samples() {
        List<Arguments> cases = new ArrayList<>();
        int[][] sizes = {{1, 1}, {2, 1}, {3, 2}, {4, 3}, {5, 5}, {6, 7}, {8, 8}, {9, 4}, {1, 17}, {17, 1}, {15, 16},
            {16, 17}, {31, 33}, {33, 31}, {64, 48}, {101, 77}, {257, 130}, {130, 257}, {300, 211}};
        int[][] samplings = {{1, 1}, {2, 1}, {2, 2}};
        int[] qualities = {5, 20, 50, 75, 90, 100};
        long seed = 100;
        int i = 0;
        for (int[] size : sizes) {
            for (int[] sampling : samplings) {
                int q = qualities[i++ % qualities.length];
                cases.add(Arguments.of(size[0], size[1], false, sampling, q, 0, i % 2 == 0, seed++));
            }
            cases.add(Arguments.of(size[0], size[1], true, new int[] {1, 1}, qualities[i++ % qualities.length], 0,
                    i % 2 == 0, seed++));
        }
        for (int q : qualities) {
            for (int[] sampling : samplings) {
                cases.add(Arguments.of(97, 61, false, sampling, q, 0, false, seed++));
                cases.add(Arguments.of(97, 61, false, sampling, q, 0, true, seed++));
            }
            cases.add(Arguments.of(61, 97, true, new int[] {1, 1}, q, 0, true, seed++));
        }
        for (int restart : new int[] {1, 2, 3, 7, 64}) {
            for (int[] sampling : samplings) {
                cases.add(Arguments.of(77, 50, false, sampling, 85, restart, restart % 2 == 0, seed++));
            }
            cases.add(Arguments.of(77, 50, true, new int[] {1, 1}, 85, restart, false, seed++));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}x{1} grey={2} sampling={3} q={4} restart={5} optimized={6}")
    @MethodSource("samples")
    void ownDecoderEqualsImageIo(int w, int h, boolean grey, int[] sampling, int quality, int restart,
                                 boolean optimized, long seed) throws IOException {
        for (int noise : new int[] {0, 60}) {
            byte[] jpeg = JpegSamples.encode(JpegSamples.content(w, h, grey, noise, seed), quality / 100f, sampling,
                    restart, false, optimized);
            DecodedImage own = own(jpeg);
            assertNotNull(own, "a baseline file must be decoded by clip4j's own decoder");
            assertSame(JpegSamples.referenceDecode(jpeg, "sample"), own, "noise " + noise);
            assertSame(own, LOADER.load(jpeg, "sample"), "the loader uses the own decoder");
        }
    }

    @Test
    void fixtures() throws IOException {
        byte[] china = Files.readAllBytes(TestData.image("china.jpg"));
        DecodedImage own = own(china);
        assertNotNull(own);
        assertSame(JpegSamples.referenceDecode(china, "china.jpg"), own, "china.jpg");
        assertSame(own, LOADER.load(TestData.image("china.jpg")), "china.jpg from a path");
        byte[] cmyk = Files.readAllBytes(TestData.image("cmyk.jpg"));
        assertNull(own(cmyk), "CMYK goes to ImageIO");
        assertSame(JpegSamples.referenceDecode(cmyk, "cmyk.jpg"), LOADER.load(cmyk, "cmyk.jpg"), "cmyk.jpg");
    }

    @Test
    void otherCasesFallBackToImageIo() throws IOException {
        var img = JpegSamples.content(70, 45, false, 30, 7);
        byte[] progressive = JpegSamples.encode(img, 0.9f, new int[] {2, 2}, 0, true);
        byte[] h1v2 = JpegSamples.encode(img, 0.9f, new int[] {1, 2}, 0, false);
        byte[] h4v1 = JpegSamples.encode(img, 0.9f, new int[] {4, 1}, 0, false);
        for (byte[] jpeg : List.of(progressive, h1v2, h4v1)) {
            assertNull(own(jpeg));
            assertSame(JpegSamples.referenceDecode(jpeg, "sample"), LOADER.load(jpeg, "sample"), "fallback");
        }
    }

    /** Truncations at every length of a small file and of the entropy data of larger ones: loader == ImageIO path. */
    @Test
    void truncatedFilesBehaveAsImageIo() {
        List<byte[]> files = List.of(
                JpegSamples.encode(JpegSamples.content(20, 13, false, 40, 1), 0.8f, new int[] {2, 2}, 0, false),
                JpegSamples.encode(JpegSamples.content(40, 24, false, 40, 2), 0.8f, new int[] {2, 1}, 2, false),
                JpegSamples.encode(JpegSamples.content(33, 17, true, 40, 3), 0.8f, new int[] {1, 1}, 1, false, true));
        int compared = 0;
        for (byte[] jpeg : files) {
            for (int len = 1; len < jpeg.length; len++) {
                compareWithImageIo(Arrays.copyOf(jpeg, len), "truncated at " + len);
                compared++;
            }
        }
        assertTrue(compared > 500);
    }

    /** Random byte changes (in headers and in entropy data, restart markers included): loader == ImageIO path. */
    @Test
    void corruptedFilesBehaveAsImageIo() {
        Random r = new Random(42);
        List<byte[]> files = List.of(
                JpegSamples.encode(JpegSamples.content(48, 40, false, 40, 4), 0.7f, new int[] {2, 2}, 0, false),
                JpegSamples.encode(JpegSamples.content(48, 40, false, 40, 5), 0.7f, new int[] {1, 1}, 3, false, true),
                JpegSamples.encode(JpegSamples.content(48, 40, true, 40, 6), 0.7f, new int[] {1, 1}, 2, false));
        for (byte[] jpeg : files) {
            for (int t = 0; t < 300; t++) {
                byte[] bad = jpeg.clone();
                int changes = 1 + r.nextInt(3);
                for (int c = 0; c < changes; c++) {
                    int at = 2 + r.nextInt(bad.length - 2);
                    bad[at] = switch (r.nextInt(4)) {
                        case 0 -> (byte) 0xFF;
                        case 1 -> (byte) (bad[at] ^ (1 << r.nextInt(8)));
                        case 2 -> (byte) (0xD0 + r.nextInt(8));
                        default -> (byte) r.nextInt(256);
                    };
                }
                compareWithImageIo(bad, "corrupted #" + t);
            }
        }
    }

    private static void compareWithImageIo(byte[] jpeg, String what) {
        DecodedImage expected = null;
        String expectedError = null;
        try {
            expected = JpegSamples.referenceDecode(jpeg, "bad");
        } catch (ImageDecodeException | java.io.UncheckedIOException e) {
            expectedError = e.getMessage();
        } catch (RuntimeException e) {
            expectedError = e.toString();
        }
        DecodedImage actual;
        try {
            actual = LOADER.load(jpeg, "bad");
        } catch (ImageDecodeException e) {
            if (expectedError == null) {
                fail(what + ": ImageIO decodes it, the loader says " + e.getMessage());
            }
            assertTrue(e.getMessage().startsWith("bad"), e.getMessage());
            return;
        }
        if (expected == null) {
            fail(what + ": ImageIO path fails (" + expectedError + "), the loader decodes it");
        }
        assertSame(expected, actual, what);
    }

    private static DecodedImage own(byte[] jpeg) throws IOException {
        try (var in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            return BaselineJpegDecoder.tryDecode(jpeg, JpegDecoder.readHeader(in, "sample"));
        }
    }

    private static void assertSame(DecodedImage expected, DecodedImage actual, String what) {
        assertEquals(expected.mode(), actual.mode(), what);
        assertEquals(expected.width(), actual.width(), what);
        assertEquals(expected.height(), actual.height(), what);
        assertArrayEquals(expected.pixels(), actual.pixels(), () -> what + ": first difference at byte "
                + Arrays.mismatch(expected.pixels(), actual.pixels()));
    }
}
