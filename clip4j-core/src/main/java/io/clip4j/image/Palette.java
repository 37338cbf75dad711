package io.clip4j.image;

import java.util.Arrays;

/**
 * The colour table of a palette ({@link ImageMode#P}) image, as PIL holds it: 256 RGB entries of
 * which the first {@link #size()} come from the file. Entries past the file's table are a grey ramp
 * ({@code i, i, i}), which is what PIL's palette holds there, so out-of-range indices convert the same
 * way PIL converts them.
 *
 * @param rgb   768 bytes, R, G, B for index 0..255
 * @param size  number of entries the file defined (1..256)
 * @param alpha 256 alpha values from a PNG {@code tRNS} chunk or a GIF transparent index
 *              (255 = opaque), or {@code null} when the file has no transparency
 */
public record Palette(byte[] rgb, int size, byte[] alpha) {

    public Palette {
        if (rgb.length != 768) {
            throw new IllegalArgumentException("palette needs 768 bytes, got " + rgb.length);
        }
        if (size < 0 || size > 256) {
            throw new IllegalArgumentException("palette size out of range: " + size);
        }
        if (alpha != null && alpha.length != 256) {
            throw new IllegalArgumentException("palette alpha needs 256 bytes, got " + alpha.length);
        }
    }

    /**
     * A palette from {@code entries} packed RGB values ({@code 0xRRGGBB}); the rest is a grey ramp.
     */
    public static Palette of(int[] entries, byte[] alpha) {
        int n = Math.min(entries.length, 256);
        byte[] rgb = greyRamp();
        for (int i = 0; i < n; i++) {
            rgb[3 * i] = (byte) (entries[i] >> 16);
            rgb[3 * i + 1] = (byte) (entries[i] >> 8);
            rgb[3 * i + 2] = (byte) entries[i];
        }
        return new Palette(rgb, n, alpha);
    }

    static byte[] greyRamp() {
        byte[] rgb = new byte[768];
        for (int i = 0; i < 256; i++) {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) i;
        }
        return rgb;
    }

    /** Entry {@code index} as {@code 0xRRGGBB}. */
    public int color(int index) {
        return (rgb[3 * index] & 255) << 16 | (rgb[3 * index + 1] & 255) << 8 | (rgb[3 * index + 2] & 255);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Palette p && size == p.size && Arrays.equals(rgb, p.rgb) && Arrays.equals(alpha, p.alpha);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(rgb) + size) + Arrays.hashCode(alpha);
    }

    @Override
    public String toString() {
        return "Palette[size=" + size + (alpha != null ? ", with alpha" : "") + "]";
    }
}
