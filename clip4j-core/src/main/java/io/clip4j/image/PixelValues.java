package io.clip4j.image;

/**
 * A preprocessed image: float32 samples in channel-major (CHW) order, {@code [3, height, width]},
 * ready to be a model's {@code pixel_values} for one image.
 *
 * @param chw    {@code 3 * height * width} values; element (c, y, x) is at {@code (c * height + y) * width + x}
 * @param height rows
 * @param width  columns
 */
public record PixelValues(float[] chw, int height, int width) {

    public PixelValues {
        if (height < 1 || width < 1 || chw.length != 3L * height * width) {
            throw new IllegalArgumentException("need 3 x " + height + " x " + width + " values, got " + chw.length);
        }
    }

    /** Number of channels (always 3). */
    public int channels() {
        return 3;
    }

    /** Value at channel {@code c}, row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        return chw[(c * height + y) * width + x];
    }
}
