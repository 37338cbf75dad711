package io.clip4j.index;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small generated images (random rectangles on a random background) and the test fixtures. */
final class TestImages {

    private TestImages() {
    }

    /** {@code testdata/fixtures/<name>}: system property {@code clip4j.testdata}, else found upwards. */
    static Path fixture(String name) {
        String prop = System.getProperty("clip4j.testdata");
        Path base = prop != null ? Path.of(prop) : null;
        Path p = Path.of("").toAbsolutePath();
        while (base == null && p != null) {
            if (Files.isDirectory(p.resolve("testdata/fixtures"))) {
                base = p.resolve("testdata");
            }
            p = p.getParent();
        }
        if (base == null) {
            throw new IllegalStateException("cannot find testdata/ (set -Dclip4j.testdata)");
        }
        return base.resolve("fixtures").resolve(name);
    }

    /** The tiny real CLIP model (32x32 input, 32-d embeddings). */
    static Path tinyModel() {
        return fixture("clip-vit-openai-tiny");
    }

    /**
     * Writes {@code n} distinct images into {@code dir}, spread over two sub-folders, alternating PNG,
     * JPEG and upper-case {@code .JPG}; returns their paths.
     */
    static List<Path> writeFolder(Path dir, int n, long seed) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String sub = i % 2 == 0 ? "a" : "b/c";
            String ext = switch (i % 3) {
                case 0 -> "png";
                case 1 -> "jpg";
                default -> "JPG";
            };
            Path f = dir.resolve(sub).resolve(String.format("img%04d.%s", i, ext));
            write(f, seed * 100_003 + i, 48, 40);
            out.add(f.toAbsolutePath().normalize());
        }
        return out;
    }

    /** One image with content fixed by {@code seed}; the format follows the file extension. */
    static void write(Path file, long seed, int w, int h) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
        g.fillRect(0, 0, w, h);
        for (int k = 0; k < 6; k++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillRect(r.nextInt(w), r.nextInt(h), 4 + r.nextInt(w / 2), 4 + r.nextInt(h / 2));
        }
        g.dispose();
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        String format = name.endsWith(".png") ? "png" : "jpeg";
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
