package io.clip4j.data;

import io.clip4j.image.DecodedImage;
import io.clip4j.image.ImageMode;
import io.clip4j.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One split of Fashion-MNIST (Zalando's 28x28 grayscale pictures of clothing in 10 classes): the images
 * as unsigned bytes and their labels, read from the original IDX files
 * ({@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]}, {@code t10k-...}).
 *
 * <p>The Debian package {@code dataset-fashion-mnist} installs them under {@link #DEFAULT_DIR}. Pixels
 * are 0 (background) to 255, rows top to bottom, as in the files. Instances are immutable.
 */
public final class FashionMnist {

    /** Where Debian's {@code dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** System property that overrides {@link #DEFAULT_DIR} for {@link #defaultDir()}. */
    public static final String DIR_PROPERTY = "clip4j.fashionMnist.dir";

    /** The class names, indexed by label. */
    public static final List<String> LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The two published splits and their file-name prefixes. */
    public enum Split {
        /** 60,000 training images. */
        TRAIN("train"),
        /** 10,000 test images. */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /** The file-name prefix: {@code train} or {@code t10k}. */
        public String prefix() {
            return prefix;
        }
    }

    private final int count;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;

    private FashionMnist(int count, int rows, int cols, byte[] pixels, byte[] labels) {
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
    }

    /** {@link #DEFAULT_DIR}, unless the system property {@value #DIR_PROPERTY} names another folder. */
    public static Path defaultDir() {
        String p = System.getProperty(DIR_PROPERTY);
        return p == null || p.isBlank() ? DEFAULT_DIR : Path.of(p);
    }

    /** Whether both splits' files are present in {@code dir} (plain or gzip). */
    public static boolean available(Path dir) {
        for (Split s : Split.values()) {
            if (find(dir, s.prefix + "-images-idx3-ubyte") == null || find(dir, s.prefix + "-labels-idx1-ubyte") == null) {
                return false;
            }
        }
        return true;
    }

    /** Reads a split from {@link #defaultDir()}. */
    public static FashionMnist load(Split split) {
        return load(defaultDir(), split);
    }

    /**
     * Reads a split from {@code dir}, which holds {@code <prefix>-images-idx3-ubyte} and
     * {@code <prefix>-labels-idx1-ubyte}, each plain or with {@code .gz}.
     *
     * @throws DatasetException naming the folder and the missing file when it is absent
     */
    public static FashionMnist load(Path dir, Split split) {
        Objects.requireNonNull(split, "split");
        Path images = require(dir, split.prefix + "-images-idx3-ubyte");
        Path labels = require(dir, split.prefix + "-labels-idx1-ubyte");
        return read(images, labels);
    }

    /**
     * Reads an image file ({@code [count, rows, cols]} unsigned bytes) and its label file
     * ({@code [count]} values 0..9).
     *
     * @throws DatasetException naming the file on unreadable or malformed data, mismatched counts or
     *                              out-of-range labels
     */
    public static FashionMnist read(Path imageFile, Path labelFile) {
        IdxFile img = IdxFile.read(imageFile);
        IdxFile lab = IdxFile.read(labelFile);
        if (img.rank() != 3) {
            throw new DatasetException(imageFile + ": expected images [count, rows, cols], got "
                    + Arrays.toString(img.dims()));
        }
        if (lab.rank() != 1) {
            throw new DatasetException(labelFile + ": expected labels [count], got "
                    + Arrays.toString(lab.dims()));
        }
        if (img.dim(0) != lab.dim(0)) {
            throw new DatasetException(imageFile + " has " + img.dim(0) + " images but "
                    + labelFile + " has " + lab.dim(0) + " labels");
        }
        byte[] l = lab.values();
        for (int i = 0; i < l.length; i++) {
            if ((l[i] & 0xff) >= LABELS.size()) {
                throw new DatasetException(labelFile + ": label " + (l[i] & 0xff) + " of item "
                        + i + " is out of range 0.." + (LABELS.size() - 1));
            }
        }
        return new FashionMnist(img.dim(0), img.dim(1), img.dim(2), img.values(), l);
    }

    private static Path require(Path dir, String base) {
        Path p = find(dir, base);
        if (p == null) {
            throw new DatasetException(dir + ": no " + base + " or " + base
                    + ".gz (Fashion-MNIST: install the Debian package dataset-fashion-mnist or download the IDX files)");
        }
        return p;
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[]{base, base + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** Number of images. */
    public int size() {
        return count;
    }

    /** Image height in pixels (28). */
    public int rows() {
        return rows;
    }

    /** Image width in pixels (28). */
    public int cols() {
        return cols;
    }

    /** Pixels per image ({@code rows * cols}). */
    public int pixelsPerImage() {
        return rows * cols;
    }

    /** The label (0..9) of image {@code i}. */
    public int label(int i) {
        Objects.checkIndex(i, count);
        return labels[i];
    }

    /** The class name of image {@code i}. */
    public String labelName(int i) {
        return LABELS.get(label(i));
    }

    /** Every label, in file order (a new array). */
    public int[] labels() {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = labels[i];
        }
        return out;
    }

    /** The {@code rows * cols} pixels of image {@code i} (0..255 as unsigned bytes; a copy). */
    public byte[] imageBytes(int i) {
        Objects.checkIndex(i, count);
        int n = pixelsPerImage();
        return Arrays.copyOfRange(pixels, i * n, (i + 1) * n);
    }

    /** Image {@code i} as a grayscale (mode L) image, ready for a model's own preprocessing. */
    public DecodedImage image(int i) {
        return DecodedImage.of(cols, rows, ImageMode.L, imageBytes(i));
    }

    /** The pixels of image {@code i} scaled to [0, 1]. */
    public float[] imageFloats(int i) {
        Objects.checkIndex(i, count);
        int n = pixelsPerImage();
        float[] out = new float[n];
        for (int p = 0; p < n; p++) {
            out[p] = (pixels[i * n + p] & 0xff) / 255f;
        }
        return out;
    }

    /** All images as a {@code [size, rows * cols]} tensor of pixels scaled to [0, 1]. */
    public Tensor floats() {
        int n = pixelsPerImage();
        float[] out = new float[Math.multiplyExact(count, n)];
        for (int p = 0; p < out.length; p++) {
            out[p] = (pixels[p] & 0xff) / 255f;
        }
        return Tensor.of(out, count, n);
    }

    /** The first {@code n} images (for quick experiments). */
    public FashionMnist head(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        int m = Math.min(n, count);
        return new FashionMnist(m, rows, cols, Arrays.copyOf(pixels, m * pixelsPerImage()), Arrays.copyOf(labels, m));
    }

    @Override
    public String toString() {
        return "FashionMnist[" + count + " images " + cols + "x" + rows + "]";
    }
}
