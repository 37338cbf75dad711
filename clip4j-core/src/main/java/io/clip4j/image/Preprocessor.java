package io.clip4j.image;

import java.util.Objects;

/**
 * Turns decoded images into model input according to a {@link PreprocessConfig}: resize (PIL-exact),
 * centre crop, conversion to RGB (before or after, as configured), then rescale and normalise with the
 * reference float32 arithmetic.
 *
 * <p>Immutable and thread-safe; one instance can serve many threads.
 */
public final class Preprocessor {

    private final PreprocessConfig config;
    /** Per channel, the normalised value of each 8-bit level; exact because it is a pure function of it. */
    private final float[][] lut;

    public Preprocessor(PreprocessConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.lut = buildLut(config);
    }

    public PreprocessConfig config() {
        return config;
    }

    /** The full pipeline: the image's {@code [3, H, W]} float32 tensor. */
    public PixelValues apply(DecodedImage image) {
        return normalize(toModelRgb(image));
    }

    /**
     * The 8-bit RGB image the pipeline normalises: everything up to and including {@code convert("RGB")}
     * (useful to inspect or cache what the model sees).
     */
    public DecodedImage toModelRgb(DecodedImage image) {
        DecodedImage im = image;
        if (config.convertRgbFirst()) {
            im = PilConvert.toRgb(im);
        }
        int[] size = config.resizedSize(im.width(), im.height());
        if (size[0] != im.width() || size[1] != im.height()) {
            im = PilResize.resize(im, size[0], size[1], config.resample());
        }
        if (config.crops() && (config.cropWidth() != im.width() || config.cropHeight() != im.height())) {
            int[] at = config.cropOffsets(im.width(), im.height());
            im = im.crop(at[0], at[1], config.cropWidth(), config.cropHeight());
        }
        return PilConvert.toRgb(im);
    }

    /** Rescales and normalises an RGB image into CHW floats. */
    public PixelValues normalize(DecodedImage rgb) {
        if (rgb.mode() != ImageMode.RGB) {
            throw new IllegalArgumentException("normalize needs an RGB image, got " + rgb.mode().pilName());
        }
        int w = rgb.width();
        int h = rgb.height();
        int plane = w * h;
        byte[] px = rgb.pixels();
        float[] out = new float[Math.multiplyExact(plane, 3)];
        float[] r = lut[0];
        float[] g = lut[1];
        float[] b = lut[2];
        for (int i = 0; i < plane; i++) {
            out[i] = r[px[3 * i] & 255];
            out[plane + i] = g[px[3 * i + 1] & 255];
            out[2 * plane + i] = b[px[3 * i + 2] & 255];
        }
        return new PixelValues(out, h, w);
    }

    private static float[][] buildLut(PreprocessConfig config) {
        float[] mean = config.mean();
        float[] std = config.std();
        float[][] lut = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                float x = switch (config.normalization()) {
                    // torchvision ToTensor: img.float().div(255), all in float32
                    case TORCHVISION -> v / 255f;
                    // HF rescale: uint8 * python float promotes to float64, then astype(float32)
                    case HUGGING_FACE -> (float) (v * config.rescaleFactor());
                };
                lut[c][v] = (x - mean[c]) / std[c];
            }
        }
        return lut;
    }

    @Override
    public String toString() {
        return "Preprocessor[" + config + "]";
    }
}
