package io.clip4j.train.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Zalando Research): 28x28 grayscale images of 10 clothing classes, 60,000 for training and
 * 10,000 for testing, read from the IDX files of the Debian package {@code dataset-fashion-mnist}
 * ({@value #DEFAULT_DIR}).
 */
public final class FashionMnist {

    /** Where the Debian package installs the files. */
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    /** Image side in pixels. */
    public static final int SIZE = 28;
    /** The labels 0..9 in the dataset's own words. */
    public static final List<String> LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Which part of the dataset. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private final byte[] images; // [n, 28, 28]
    private final byte[] labels; // [n]
    private final Split split;

    private FashionMnist(byte[] images, byte[] labels, Split split) {
        this.images = images;
        this.labels = labels;
        this.split = split;
    }

    /** Loads a split from {@link #DEFAULT_DIR} (or the directory in system property {@code clip4j.fashionMnist}). */
    public static FashionMnist load(Split split) {
        return load(Path.of(System.getProperty("clip4j.fashionMnist", DEFAULT_DIR)), split);
    }

    /**
     * Loads {@code <split>-images-idx3-ubyte[.gz]} and {@code <split>-labels-idx1-ubyte[.gz]} from {@code dir}.
     *
     * @throws UncheckedIOException if the files are missing (with a hint to install the package) or malformed
     */
    public static FashionMnist load(Path dir, Split split) {
        Path img = find(dir, split.prefix + "-images-idx3-ubyte");
        Path lab = find(dir, split.prefix + "-labels-idx1-ubyte");
        try {
            Idx.Array i = Idx.read(img);
            Idx.Array l = Idx.read(lab);
            if (i.dims().length != 3 || i.dims()[1] != SIZE || i.dims()[2] != SIZE) {
                throw new IOException(img + ": expected [n, 28, 28] images, got " + java.util.Arrays.toString(i.dims()));
            }
            if (l.dims().length != 1 || l.dims()[0] != i.dims()[0]) {
                throw new IOException(lab + ": " + java.util.Arrays.toString(l.dims()) + " labels for "
                        + i.dims()[0] + " images");
            }
            for (byte b : l.data()) {
                if (b < 0 || b >= LABELS.size()) {
                    throw new IOException(lab + ": label " + b + " outside 0..9");
                }
            }
            return new FashionMnist(i.data(), l.data(), split);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new UncheckedIOException(new java.io.FileNotFoundException(dir.resolve(base + ".gz")
                + ": Fashion-MNIST not found (install the Debian package dataset-fashion-mnist, "
                + "or set -Dclip4j.fashionMnist=DIR to a directory with the IDX files)"));
    }

    public Split split() {
        return split;
    }

    public int size() {
        return labels.length;
    }

    /** The label (0..9) of image {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** The 784 grayscale bytes of image {@code i}, rows top to bottom (a copy). */
    public byte[] image(int i) {
        return java.util.Arrays.copyOfRange(images, i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
    }

    /** Copies image {@code i} into {@code out} at {@code off}. */
    public void copyImage(int i, byte[] out, int off) {
        System.arraycopy(images, i * SIZE * SIZE, out, off, SIZE * SIZE);
    }
}
