package io.clip4j.index;

import io.clip4j.image.ImageLoader;
import io.clip4j.image.PixelValues;
import io.clip4j.image.Preprocessor;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Models;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Tensor;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Dev benchmark (not run by the test suite): indexing throughput on large photos, and where the time goes.
 * Generates {@code --generate} 4000x3000 (12-megapixel) JPEGs of synthetic content into {@code --images}
 * if it holds fewer, then measures
 * <ol>
 *   <li>decode only: read + SHA-256 + decode + resize/crop/normalise on all decoder threads;</li>
 *   <li>model only: the image tower on ready pixels, in batches;</li>
 *   <li>the pipeline: a full {@link ImageIndex#update} into a fresh index.</li>
 * </ol>
 * The model is the bottleneck when decode-only is faster than model-only and the pipeline's model thread
 * seldom waits for input. Run it with {@code clip4j-index/bench.sh throughput --model M --images DIR}.
 *
 * <p>Arguments: model, images, generate (200), batch (16), decoders (cores), index (a temp dir).
 */
public final class ThroughputBenchmark {

    private ThroughputBenchmark() {
    }

    /** What the indexer does to a file before the model: read, hash, decode, preprocess. */
    static PixelValues decodeOne(Path file, ImageLoader loader, Preprocessor pre) {
        try {
            byte[] b = Files.readAllBytes(file);
            ContentHash.sha256(b);
            PixelValues px = pre.apply(loader.load(b, file.toString()));
            if (px.chw().length == 0) {
                throw new IllegalStateException("no pixels from " + file);
            }
            return px;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        Path modelDir = Path.of(a.get("model"));
        Path images = Path.of(a.getOrDefault("images", "/tmp/clip4j-12mp"));
        int generate = Integer.parseInt(a.getOrDefault("generate", "200"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "16"));
        int decoders = Integer.parseInt(a.getOrDefault("decoders", "" + Runtime.getRuntime().availableProcessors()));
        Path index = Path.of(a.getOrDefault("index", Files.createTempDirectory("clip4j-bench-index").toString()));

        List<Path> files = ensureImages(images, generate);
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        System.out.printf(Locale.ROOT, "%d JPEGs, 4000x3000, %.1f MB on average; cores %d, decoders %d, batch %d%n",
                files.size(), bytes / 1e6 / files.size(), Runtime.getRuntime().availableProcessors(), decoders, batch);

        byte[] sample = Files.readAllBytes(files.getFirst());
        long h0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            ContentHash.sha256(sample);
        }
        System.out.printf(Locale.ROOT, "SHA-256: %.0f MB/s (one thread)%n", 20 * sample.length / 1e6 / ((System.nanoTime() - h0) / 1e9));

        try (EmbeddingModel model = Models.loadEmbedding(modelDir, null, Kernels.get())) {
            System.out.println("model: " + model.describe());
            double decode = decodeOnly(files, model, decoders);
            System.out.printf(Locale.ROOT, "decode only (read, hash, decode, preprocess; %d threads): %.2f files/s%n", decoders, decode);
            double infer = modelOnly(model, batch, Math.max(2 * batch, 64));
            System.out.printf(Locale.ROOT, "model only (batches of %d): %.2f images/s%n", batch, infer);
            try (ImageIndex ix = ImageIndex.openOrCreate(index, model)) {
                UpdateResult r = ix.update(List.of(images),
                        UpdateOptions.defaults().withBatchSize(batch).withDecoderThreads(decoders), null);
                System.out.printf(Locale.ROOT, "pipeline (clip4j index): %d files in %.1f s = %.2f files/s; model busy %.1f s "
                                + "(%.0f%%), model waited %.1f s for decoded input; skipped %d%n",
                        r.embedded(), r.embedSeconds(), r.filesPerSecond(), r.modelSeconds(),
                        100 * r.modelSeconds() / r.embedSeconds(), r.modelWaitSeconds(), r.skipped());
            }
        }
    }

    private static double decodeOnly(List<Path> files, EmbeddingModel model, int threads) throws InterruptedException {
        Preprocessor pre = new Preprocessor(model.preprocessConfig());
        ImageLoader loader = new ImageLoader();
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
                    decodeOne(files.get(i), loader, pre);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        return files.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private static double modelOnly(EmbeddingModel model, int batch, int images) {
        int s = model.imageSize();
        float[] px = new float[batch * 3 * s * s];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rnd.nextGaussian();
        }
        Tensor in = Tensor.of(px, batch, 3, s, s);
        model.embedPixels(in); // warm-up
        long t0 = System.nanoTime();
        int done = 0;
        while (done < images) {
            model.embedPixels(in);
            done += batch;
        }
        return done / ((System.nanoTime() - t0) / 1e9);
    }

    private static List<Path> ensureImages(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        List<Path> have = list(dir);
        if (have.size() < n) {
            System.out.printf(Locale.ROOT, "generating %d 12-megapixel JPEGs in %s ...%n", n - have.size(), dir);
            AtomicInteger next = new AtomicInteger(have.size());
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < Runtime.getRuntime().availableProcessors(); t++) {
                Thread th = new Thread(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        writePhoto(dir.resolve(String.format("photo%04d.jpg", i)), i);
                    }
                });
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            have = list(dir);
        }
        return have;
    }

    private static List<Path> list(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jpg")).sorted(Comparator.naturalOrder()).toList();
        }
    }

    /** Gradients, shapes and sensor-like noise: compresses like a photo (a few MB at quality 0.9). */
    private static void writePhoto(Path file, long seed) {
        int w = 4000;
        int h = 3000;
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)), w, h,
                new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256))));
        g.fillRect(0, 0, w, h);
        for (int k = 0; k < 40; k++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256), 90 + r.nextInt(160)));
            int x = r.nextInt(w);
            int y = r.nextInt(h);
            int s = 100 + r.nextInt(1200);
            if (k % 2 == 0) {
                g.fillOval(x - s / 2, y - s / 2, s, (int) (s * (0.5 + r.nextDouble())));
            } else {
                g.fillRect(x - s / 2, y - s / 2, s, s / 2);
            }
        }
        g.dispose();
        int[] row = new int[w];
        SplittableRandom noise = new SplittableRandom(seed);
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int n = noise.nextInt(13) - 6;
                int p = row[x];
                row[x] = clamp(((p >> 16) & 255) + n) << 16 | clamp(((p >> 8) & 255) + n) << 8 | clamp((p & 255) + n);
            }
            img.setRGB(0, y, w, 1, row, 0, w);
        }
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.9f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), p);
            writer.dispose();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
