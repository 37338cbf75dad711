package io.clip4j.image;

import java.util.Locale;

/**
 * PIL's resampling filters, with the integer codes PIL uses ({@code Image.Resampling}), which is also
 * how Hugging Face {@code preprocessor_config.json} files store {@code resample}.
 */
public enum Resample {
    NEAREST(0, 0.0),
    LANCZOS(1, 3.0),
    BILINEAR(2, 1.0),
    BICUBIC(3, 2.0),
    BOX(4, 0.5),
    HAMMING(5, 1.0);

    private final int pilCode;
    private final double support;

    Resample(int pilCode, double support) {
        this.pilCode = pilCode;
        this.support = support;
    }

    /** PIL's integer code for this filter. */
    public int pilCode() {
        return pilCode;
    }

    /** The filter's support (half-width) at scale 1; 0 for NEAREST, which is not a convolution. */
    double support() {
        return support;
    }

    /** The filter with PIL code {@code code}. */
    public static Resample fromPilCode(int code) {
        for (Resample r : values()) {
            if (r.pilCode == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown PIL resampling code " + code + " (expected 0..5)");
    }

    /** Parses a filter name such as "bicubic" (case-insensitive) or a PIL code such as "3". */
    public static Resample parse(String name) {
        String s = name.trim();
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            return fromPilCode(Integer.parseInt(s));
        }
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown resampling filter '" + name
                    + "' (expected nearest, bilinear, bicubic, box, hamming or lanczos)");
        }
    }

    /** The filter's kernel, exactly as Pillow's {@code Resample.c} evaluates it (double precision). */
    double kernel(double x) {
        return switch (this) {
            case BOX -> x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            case BILINEAR -> {
                double ax = Math.abs(x);
                yield ax < 1.0 ? 1.0 - ax : 0.0;
            }
            case HAMMING -> {
                double ax = Math.abs(x);
                if (ax == 0.0) {
                    yield 1.0;
                }
                if (ax >= 1.0) {
                    yield 0.0;
                }
                ax = ax * Math.PI;
                // Pillow uses float constants here; the promotion to double is reproduced.
                yield Math.sin(ax) / ax * (0.54f + 0.46f * Math.cos(ax));
            }
            case BICUBIC -> {
                final double a = -0.5;
                double ax = Math.abs(x);
                if (ax < 1.0) {
                    yield ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
                }
                if (ax < 2.0) {
                    yield (((ax - 5) * ax + 8) * ax - 4) * a;
                }
                yield 0.0;
            }
            case LANCZOS -> -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
            case NEAREST -> throw new IllegalStateException("NEAREST has no kernel");
        };
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        x = x * Math.PI;
        return Math.sin(x) / x;
    }
}
