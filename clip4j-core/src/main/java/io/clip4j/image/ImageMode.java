package io.clip4j.image;

/**
 * The pixel layout of a {@link DecodedImage}, named after the PIL mode it corresponds to.
 *
 * <p>Keeping PIL's notion of mode matters because the reference pipelines branch on it: palette and
 * bilevel images are resized with NEAREST, images with alpha are resized premultiplied, and the
 * conversion to RGB differs per mode.
 */
public enum ImageMode {
    /** Bilevel ("1"): one byte per pixel, 0 or 255. */
    BILEVEL("1", 1),
    /** 8-bit grayscale ("L"). */
    L("L", 1),
    /** Grayscale with alpha ("LA"): bytes L, A. */
    LA("LA", 2),
    /** Palette ("P"): one byte per pixel, an index into the image's {@link Palette}. */
    P("P", 1),
    /** 8-bit RGB. */
    RGB("RGB", 3),
    /** 8-bit RGB with straight (not premultiplied) alpha. */
    RGBA("RGBA", 4),
    /** CMYK as PIL reports it (for JPEG: libjpeg's values, inverted per PIL's Adobe convention). */
    CMYK("CMYK", 4);

    private final String pilName;
    private final int channels;

    ImageMode(String pilName, int channels) {
        this.pilName = pilName;
        this.channels = channels;
    }

    /** The PIL mode string ("1", "L", "LA", "P", "RGB", "RGBA", "CMYK"). */
    public String pilName() {
        return pilName;
    }

    /** Interleaved bytes per pixel in {@link DecodedImage#pixels()}. */
    public int channels() {
        return channels;
    }

    /** Whether the mode carries an alpha channel (LA, RGBA). */
    public boolean hasAlpha() {
        return this == LA || this == RGBA;
    }
}
