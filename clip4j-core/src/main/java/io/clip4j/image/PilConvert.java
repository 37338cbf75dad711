package io.clip4j.image;

/**
 * Mode conversions with Pillow 9.4's exact arithmetic ({@code libImaging/Convert.c}).
 */
public final class PilConvert {

    private PilConvert() {
    }

    /**
     * PIL's {@code image.convert("RGB")}: L and 1 are replicated, LA and RGBA drop alpha (no
     * compositing over a background), P looks up the palette (ignoring its transparency), CMYK uses
     * {@code cmyk2rgb}: {@code nk = 255 - K; R = clip(nk - MULDIV255(C, nk))}, likewise G (M), B (Y).
     *
     * @return an RGB image (the same instance if it already is RGB)
     */
    public static DecodedImage toRgb(DecodedImage image) {
        if (image.mode() == ImageMode.RGB) {
            return image;
        }
        byte[] in = image.pixels();
        int n = image.width() * image.height();
        byte[] out = new byte[Math.multiplyExact(n, 3)];
        switch (image.mode()) {
            case L, BILEVEL -> {
                for (int i = 0, o = 0; i < n; i++, o += 3) {
                    out[o] = out[o + 1] = out[o + 2] = in[i];
                }
            }
            case LA -> {
                for (int i = 0, o = 0; i < n; i++, o += 3) {
                    out[o] = out[o + 1] = out[o + 2] = in[2 * i];
                }
            }
            case RGBA -> {
                for (int i = 0, o = 0; i < n; i++, o += 3) {
                    out[o] = in[4 * i];
                    out[o + 1] = in[4 * i + 1];
                    out[o + 2] = in[4 * i + 2];
                }
            }
            case P -> {
                byte[] pal = image.palette().rgb();
                for (int i = 0, o = 0; i < n; i++, o += 3) {
                    int p = (in[i] & 255) * 3;
                    out[o] = pal[p];
                    out[o + 1] = pal[p + 1];
                    out[o + 2] = pal[p + 2];
                }
            }
            case CMYK -> {
                for (int i = 0, o = 0; i < n; i++, o += 3) {
                    int nk = 255 - (in[4 * i + 3] & 255);
                    out[o] = clip8(nk - mulDiv255(in[4 * i] & 255, nk));
                    out[o + 1] = clip8(nk - mulDiv255(in[4 * i + 1] & 255, nk));
                    out[o + 2] = clip8(nk - mulDiv255(in[4 * i + 2] & 255, nk));
                }
            }
            case RGB -> throw new AssertionError("handled above");
        }
        return new DecodedImage(image.width(), image.height(), ImageMode.RGB, out, null, image.format());
    }

    /** PIL's {@code MULDIV255(a, b)}: {@code a * b / 255} rounded, in integer arithmetic. */
    static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static byte clip8(int v) {
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /**
     * RGBA to RGBa / LA to La ({@code rgbA2rgba}, {@code lA2la}): colour channels become
     * {@code MULDIV255(c, alpha)}; alpha is the last channel. Returns a new array.
     */
    static byte[] premultiply(byte[] in, int channels) {
        byte[] out = new byte[in.length];
        for (int p = 0; p < in.length; p += channels) {
            int alpha = in[p + channels - 1] & 255;
            for (int c = 0; c < channels - 1; c++) {
                out[p + c] = (byte) mulDiv255(in[p + c] & 255, alpha);
            }
            out[p + channels - 1] = (byte) alpha;
        }
        return out;
    }

    /**
     * RGBa to RGBA / La to LA ({@code rgba2rgbA}, {@code la2lA}): colour channels become
     * {@code clip(255 * c / alpha)} (integer division) unless alpha is 0 or 255.
     */
    static void unpremultiplyInPlace(byte[] px, int channels) {
        for (int p = 0; p < px.length; p += channels) {
            int alpha = px[p + channels - 1] & 255;
            if (alpha == 0 || alpha == 255) {
                continue;
            }
            for (int c = 0; c < channels - 1; c++) {
                px[p + c] = clip8(255 * (px[p + c] & 255) / alpha);
            }
        }
    }
}
