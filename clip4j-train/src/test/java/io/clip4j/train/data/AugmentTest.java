package io.clip4j.train.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.train.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Fashion-MNIST augmentation: shifts within the bound with zero fill, mirrors, flips-only mode. */
class AugmentTest {

    private static final int W = 7;
    private static final int H = 5;

    /** A single bright pixel at (x, y). */
    private static byte[] dot(int x, int y) {
        byte[] img = new byte[W * H];
        img[y * W + x] = (byte) 200;
        return img;
    }

    private static int[] where(byte[] img) {
        int[] at = null;
        for (int i = 0; i < img.length; i++) {
            if (img[i] != 0) {
                assertTrue(at == null, "more than one lit pixel");
                assertEquals((byte) 200, img[i]);
                at = new int[] {i % W, i / W};
            }
        }
        return at;
    }

    @Test
    void shiftsStayWithinTheBoundAndCoverIt() {
        SplittableRandom rnd = new SplittableRandom(1);
        Set<String> moves = new HashSet<>();
        for (int t = 0; t < 2000; t++) {
            int[] at = where(Augment.shiftAndFlip(dot(3, 2), W, H, 2, 0, rnd));
            assertTrue(at != null, "the centre pixel never leaves a 7x5 image under shifts of 2");
            int dx = at[0] - 3;
            int dy = at[1] - 2;
            assertTrue(Math.abs(dx) <= 2 && Math.abs(dy) <= 2, dx + "," + dy);
            moves.add(dx + "," + dy);
        }
        assertEquals(25, moves.size(), "every shift in [-2, 2]^2 occurs");
    }

    @Test
    void uncoveredBorderIsZeroAndContentIsNotWrapped() {
        byte[] full = new byte[W * H];
        java.util.Arrays.fill(full, (byte) 9);
        SplittableRandom rnd = new SplittableRandom(3);
        for (int t = 0; t < 200; t++) {
            byte[] out = Augment.shiftAndFlip(full, W, H, 2, 0.5, rnd);
            int lit = 0;
            for (byte b : out) {
                lit += b == 9 ? 1 : 0;
                assertTrue(b == 0 || b == 9);
            }
            assertTrue(lit >= (W - 2) * (H - 2) && lit <= W * H, "lit " + lit);
        }
    }

    @Test
    void flipsOnlyMirrorsOrKeepsTheImage() {
        SplittableRandom rnd = new SplittableRandom(7);
        byte[] src = dot(1, 4);
        int mirrored = 0;
        for (int t = 0; t < 1000; t++) {
            int[] at = where(Augment.shiftAndFlip(src, W, H, 0, 0.5, rnd));
            assertEquals(4, at[1]);
            assertTrue(at[0] == 1 || at[0] == W - 2, "x " + at[0]);
            mirrored += at[0] == W - 2 ? 1 : 0;
        }
        assertTrue(mirrored > 400 && mirrored < 600, "mirrored " + mirrored + " of 1000");
        assertArrayEquals(dot(W - 2, 4), Augment.shiftAndFlip(src, W, H, 0, 1.0, new SplittableRandom(0)));
    }

    @Test
    void augmentShiftIsAValidatedSetting() throws Exception {
        ObjectMapper json = new ObjectMapper();
        TrainConfig ok = TrainConfig.merge(TrainConfig.defaults(),
                json.readTree("{\"output\": \"/tmp/x\", \"augment_shift\": 0}")).validate();
        assertEquals(0, ok.augmentShift());
        assertEquals(2, TrainConfig.defaults().augmentShift());
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.merge(TrainConfig.defaults(),
                json.readTree("{\"output\": \"/tmp/x\", \"augment_shift\": 9}")).validate());
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.merge(TrainConfig.defaults(),
                json.readTree("{\"output\": \"/tmp/x\", \"augment_shift\": -1}")).validate());
    }
}
