package io.clip4j.image;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.imageio.stream.MemoryCacheImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JPEG decoder's fast paths against its reference path (ImageIO raster copied to planes, converted with
 * libjpeg's tables), byte for byte, on generated files: sizes that are not multiples of the block, MCU or
 * vector length (down to 1x1), every chroma subsampling, qualities, restart intervals, grey, progressive.
 */
class JpegFastPathTest {

    private static final ImageLoader LOADER = new ImageLoader();

    static Stream<Arguments> samples() {
        List<Arguments> cases = new ArrayList<>();
        int[][] sizes = {{1, 1}, {1, 17}, {17, 1}, {7, 9}, {16, 16}, {33, 31}, {64, 48}, {101, 77}, {257, 130}};
        int[][] samplings = {{1, 1}, {2, 1}, {1, 2}, {2, 2}};
        long seed = 1;
        for (int[] size : sizes) {
            for (int[] sampling : samplings) {
                cases.add(Arguments.of(size[0], size[1], false, sampling, 90, 0, false, seed++));
            }
            cases.add(Arguments.of(size[0], size[1], true, new int[] {1, 1}, 85, 0, false, seed++));
        }
        for (int q : new int[] {5, 50, 75, 100}) {
            cases.add(Arguments.of(123, 45, false, new int[] {2, 2}, q, 0, false, seed++));
            cases.add(Arguments.of(45, 123, true, new int[] {1, 1}, q, 0, false, seed++));
        }
        for (int restart : new int[] {1, 2, 7}) {
            cases.add(Arguments.of(77, 50, false, new int[] {2, 2}, 90, restart, false, seed++));
            cases.add(Arguments.of(77, 50, false, new int[] {1, 1}, 90, restart, false, seed++));
            cases.add(Arguments.of(77, 50, true, new int[] {1, 1}, 90, restart, false, seed++));
        }
        cases.add(Arguments.of(90, 61, false, new int[] {2, 2}, 90, 0, true, seed++));
        cases.add(Arguments.of(90, 61, true, new int[] {1, 1}, 90, 0, true, seed++));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}x{1} grey={2} sampling={3} q={4} restart={5} progressive={6}")
    @MethodSource("samples")
    void fastPathEqualsReference(int w, int h, boolean grey, int[] sampling, int quality, int restart,
                                 boolean progressive, long seed) throws IOException {
        for (int noise : new int[] {0, 40}) {
            byte[] jpeg = JpegSamples.encode(JpegSamples.content(w, h, grey, noise, seed), quality / 100f, sampling,
                    restart, progressive);
            try (var in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
                JpegDecoder.Header header = JpegDecoder.readHeader(in, "sample");
                assertEquals(grey ? 1 : 3, header.components());
                if (!grey) {
                    assertEquals(sampling[0], header.hSamp()[0], "the sample has the asked subsampling");
                    assertEquals(sampling[1], header.vSamp()[0], "the sample has the asked subsampling");
                }
            }
            DecodedImage expected = JpegSamples.referenceDecode(jpeg, "sample");
            DecodedImage actual = LOADER.load(jpeg, "sample");
            assertEquals(expected.mode(), actual.mode());
            assertEquals(expected.width(), actual.width());
            assertEquals(expected.height(), actual.height());
            assertArrayEquals(expected.pixels(), actual.pixels(), () -> "noise " + noise + ", first difference at byte "
                    + Arrays.mismatch(expected.pixels(), actual.pixels()));
        }
    }
}
