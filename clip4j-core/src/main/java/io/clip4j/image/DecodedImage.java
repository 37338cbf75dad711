package io.clip4j.image;

import java.util.Objects;

/**
 * A decoded image in PIL's representation: {@link ImageMode mode}, size, and interleaved 8-bit samples
 * ({@code mode.channels()} bytes per pixel, rows top to bottom, no padding).
 *
 * <p>Instances are immutable by convention: {@link #pixels()} returns the backing array without
 * copying (images can be tens of megabytes), and callers must not modify it.
 */
public final class DecodedImage {

    private final int width;
    private final int height;
    private final ImageMode mode;
    private final byte[] pixels;
    private final Palette palette;
    private final String format;

    /**
     * @param width   width in pixels (at least 1)
     * @param height  height in pixels (at least 1)
     * @param mode    pixel layout
     * @param pixels  {@code width * height * mode.channels()} bytes; taken over, not copied
     * @param palette the colour table, required for {@link ImageMode#P} and {@code null} otherwise
     * @param format  the source format ("JPEG", "PNG", ...) for messages, or {@code null}
     */
    public DecodedImage(int width, int height, ImageMode mode, byte[] pixels, Palette palette, String format) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(pixels, "pixels");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        }
        if ((long) width * height * mode.channels() != pixels.length) {
            throw new IllegalArgumentException("a " + width + "x" + height + " " + mode.pilName() + " image needs "
                    + (long) width * height * mode.channels() + " bytes, got " + pixels.length);
        }
        if ((mode == ImageMode.P) != (palette != null)) {
            throw new IllegalArgumentException(mode == ImageMode.P ? "a P image needs a palette"
                    : "only P images have a palette");
        }
        this.width = width;
        this.height = height;
        this.mode = mode;
        this.pixels = pixels;
        this.palette = palette;
        this.format = format;
    }

    /** An image of {@code mode} without palette (any mode except P). */
    public static DecodedImage of(int width, int height, ImageMode mode, byte[] pixels) {
        return new DecodedImage(width, height, mode, pixels, null, null);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public ImageMode mode() {
        return mode;
    }

    /** The interleaved samples (shared, do not modify). */
    public byte[] pixels() {
        return pixels;
    }

    /** The palette of a P image, {@code null} for other modes. */
    public Palette palette() {
        return palette;
    }

    /** The source format name ("JPEG", "PNG", "GIF", "BMP", "WEBP") or {@code null}. */
    public String format() {
        return format;
    }

    /** Sample {@code channel} of pixel (x, y), 0..255. */
    public int sample(int x, int y, int channel) {
        return pixels[(y * width + x) * mode.channels() + channel] & 255;
    }

    /** An image of the same mode, palette and format with other pixels (used by resize and crop). */
    DecodedImage withPixels(int newWidth, int newHeight, byte[] newPixels) {
        return new DecodedImage(newWidth, newHeight, mode, newPixels, palette, format);
    }

    /**
     * PIL's {@code crop((left, top, left + cropWidth, top + cropHeight))}: the box may extend past the
     * image, and the part outside is filled with zero bytes (for P images: index 0).
     */
    public DecodedImage crop(int left, int top, int cropWidth, int cropHeight) {
        if (cropWidth < 1 || cropHeight < 1) {
            throw new IllegalArgumentException("crop size must be positive: " + cropWidth + "x" + cropHeight);
        }
        int c = mode.channels();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(cropWidth, cropHeight), c)];
        int x0 = Math.max(left, 0);
        int x1 = Math.min(left + cropWidth, width);
        for (int y = Math.max(top, 0); y < Math.min(top + cropHeight, height) && x1 > x0; y++) {
            System.arraycopy(pixels, (y * width + x0) * c, out, ((y - top) * cropWidth + (x0 - left)) * c, (x1 - x0) * c);
        }
        return withPixels(cropWidth, cropHeight, out);
    }

    @Override
    public String toString() {
        return "DecodedImage[" + width + "x" + height + " " + mode.pilName() + (format != null ? " from " + format : "") + "]";
    }
}
