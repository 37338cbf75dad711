package io.clip4j.image;

import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Decodes image files into {@link DecodedImage}s with the mode and pixels PIL ({@code Image.open}
 * + {@code load}) would give: JPEG (baseline, progressive, grayscale, CMYK/YCCK; pixels equal to
 * libjpeg-turbo's; EXIF orientation not applied, no ICC conversion), PNG (all colour types and bit
 * depths), GIF (first frame), BMP and WebP. The format is recognised from the
 * file's leading bytes, never from its name.
 *
 * <p>Guarantees for hostile input: the pixel count is read from the header and checked against
 * {@link #maxPixels()} before any pixel is decoded; truncated or corrupt data is an error (no silently
 * grey half image); every failure, including a decoder's runtime exception or running out of memory,
 * surfaces as an {@link ImageDecodeException} whose message names the file.
 *
 * <p>16-bit images are scaled to 8 bits (high byte). PIL does the same for 16-bit RGB, RGBA and LA,
 * but opens 16-bit grayscale as mode "I", which {@code convert("RGB")} clips to mostly white; here it
 * becomes a proper L image instead (a deliberate difference).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ImageLoader {

    /** PIL's decompression-bomb error threshold: {@code 2 * Image.MAX_IMAGE_PIXELS}. */
    public static final long DEFAULT_MAX_PIXELS = 2L * 89_478_485L;
    /** System property overriding {@link #DEFAULT_MAX_PIXELS} for {@link #ImageLoader()}. */
    public static final String MAX_PIXELS_PROPERTY = "clip4j.image.maxPixels";

    private final long maxPixels;

    /** A loader whose pixel limit is the system property {@value #MAX_PIXELS_PROPERTY}, else PIL's default. */
    public ImageLoader() {
        this(maxPixelsFromProperty());
    }

    /** A loader refusing images with more than {@code maxPixels} pixels. */
    public ImageLoader(long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    private static long maxPixelsFromProperty() {
        String v = System.getProperty(MAX_PIXELS_PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT_MAX_PIXELS;
        }
        try {
            long n = Long.parseLong(v.trim().replace("_", ""));
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + MAX_PIXELS_PROPERTY
                    + " must be a positive integer, got '" + v + "'");
        }
    }

    /** The largest accepted width x height. */
    public long maxPixels() {
        return maxPixels;
    }

    /** Decodes the image file {@code file}. */
    public DecodedImage load(Path file) {
        Objects.requireNonNull(file, "file");
        String name = file.toString();
        try {
            if (Files.isDirectory(file)) {
                throw new ImageDecodeException(name + ": is a directory, not an image file");
            }
            try (var raf = new java.io.RandomAccessFile(file.toFile(), "r");
                 ImageInputStream in = new FileImageInputStream(raf)) {
                return decode(in, name, null);
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (java.io.FileNotFoundException | NoSuchFileException e) {
            throw new ImageDecodeException(name + ": cannot open (" + e.getMessage() + ")", e);
        } catch (AccessDeniedException e) {
            throw new ImageDecodeException(name + ": permission denied", e);
        } catch (IOException | UncheckedIOException e) {
            throw new ImageDecodeException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Decodes an image held in memory; {@code name} is used in error messages. */
    public DecodedImage load(byte[] data, String name) {
        Objects.requireNonNull(data, "data");
        String n = name == null ? "<bytes>" : name;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            return decode(in, n, data);
        } catch (IOException e) {
            throw new ImageDecodeException(n + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Reads {@code stream} to its end (without closing it) and decodes it; {@code name} is used in messages. */
    public DecodedImage load(InputStream stream, String name) {
        Objects.requireNonNull(stream, "stream");
        String n = name == null ? "<stream>" : name;
        byte[] data;
        try {
            data = stream.readAllBytes();
        } catch (IOException e) {
            throw new ImageDecodeException(n + ": cannot read (" + e.getMessage() + ")", e);
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException(n + ": stream too large to buffer in memory", e);
        }
        return load(data, n);
    }

    /** Recognises the format from the leading bytes and runs its decoder, mapping every failure to an ImageDecodeException. */
    private DecodedImage decode(ImageInputStream in, String name, byte[] data) throws IOException {
        byte[] head = new byte[16];
        int n = 0;
        while (n < head.length) {
            int r = in.read(head, n, head.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        if (n == 0) {
            throw new ImageDecodeException(name + ": empty file (0 bytes), not an image");
        }
        ImageFormat format = ImageFormat.sniff(head, n);
        if (format == null) {
            throw new ImageDecodeException(name + ": not a recognised image (expected JPEG, PNG, GIF, BMP or WebP; "
                    + "file starts with " + describe(head, n) + ")");
        }
        in.seek(0);
        try {
            return switch (format) {
                case JPEG -> JpegDecoder.decode(in, name, maxPixels, false, data);
                case PNG -> PngDecoder.decode(in, name, maxPixels);
                case GIF -> GifDecoder.decode(in, name, maxPixels);
                case BMP -> BmpDecoder.decode(in, name, maxPixels);
                case WEBP -> WebpDecoder.decode(in, name, maxPixels);
            };
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageDecodeException(name + ": corrupt or truncated " + format + " (" + rootMessage(e) + ")", e);
        } catch (RuntimeException e) {
            // ImageIO readers signal some malformed input with unchecked exceptions.
            throw new ImageDecodeException(name + ": corrupt " + format + " (" + rootMessage(e) + ")", e);
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException(name + ": not enough memory to decode this " + format
                    + " (lower the pixel limit or raise the heap)", e);
        } catch (StackOverflowError e) {
            throw new ImageDecodeException(name + ": malformed " + format + " (decoder recursion)", e);
        }
    }

    private static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m != null && !m.isBlank() && (sb.isEmpty() || !sb.toString().contains(m))) {
                if (!sb.isEmpty()) {
                    sb.append(": ");
                }
                sb.append(m);
            } else if (m == null && sb.isEmpty()) {
                sb.append(c.getClass().getSimpleName());
            }
        }
        return sb.toString();
    }

    private static String describe(byte[] head, int n) {
        StringBuilder printable = new StringBuilder();
        StringBuilder hex = new StringBuilder();
        boolean text = true;
        for (int i = 0; i < Math.min(n, 8); i++) {
            int b = head[i] & 255;
            hex.append(String.format("%02x", b));
            text &= (b >= 0x20 && b < 0x7F) || b == '\n' || b == '\r' || b == '\t';
            printable.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
        }
        return text ? "text \"" + printable + "\"" : "bytes " + hex;
    }

    @Override
    public String toString() {
        return "ImageLoader[maxPixels=" + maxPixels + "]";
    }
}
