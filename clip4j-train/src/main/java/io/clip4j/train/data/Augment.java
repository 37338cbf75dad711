package io.clip4j.train.data;

import java.util.SplittableRandom;

/** Augmentations on 8-bit images: random translation (zero fill) and horizontal flip. */
public final class Augment {

    private Augment() {
    }

    /**
     * A copy of the {@code width x height} single-channel image shifted by up to {@code maxShift} pixels in
     * each direction (the uncovered border is 0, the background of Fashion-MNIST) and, with probability
     * {@code flipProbability}, mirrored left to right.
     */
    public static byte[] shiftAndFlip(byte[] src, int width, int height, int maxShift, double flipProbability,
                                      SplittableRandom rnd) {
        int dx = maxShift == 0 ? 0 : rnd.nextInt(-maxShift, maxShift + 1);
        int dy = maxShift == 0 ? 0 : rnd.nextInt(-maxShift, maxShift + 1);
        boolean flip = rnd.nextDouble() < flipProbability;
        byte[] out = new byte[src.length];
        for (int y = 0; y < height; y++) {
            int sy = y - dy;
            if (sy < 0 || sy >= height) {
                continue;
            }
            for (int x = 0; x < width; x++) {
                int sx = (flip ? width - 1 - x : x) - dx;
                if (sx >= 0 && sx < width) {
                    out[y * width + x] = src[sy * width + sx];
                }
            }
        }
        return out;
    }

    /** A copy of an interleaved {@code channels}-byte image mirrored left to right. */
    public static byte[] flipHorizontal(byte[] src, int width, int height, int channels) {
        byte[] out = new byte[src.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                System.arraycopy(src, (y * width + x) * channels, out, (y * width + width - 1 - x) * channels, channels);
            }
        }
        return out;
    }
}
