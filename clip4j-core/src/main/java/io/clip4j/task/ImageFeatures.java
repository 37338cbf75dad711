package io.clip4j.task;

import io.clip4j.image.DecodedImage;
import io.clip4j.image.ImageDecodeException;
import io.clip4j.image.ImageLoader;
import io.clip4j.image.PixelValues;
import io.clip4j.image.Preprocessor;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Frozen image features for a linear probe: L2-normalised embeddings of many images, made in batches
 * (each batch decoded and preprocessed in parallel, then encoded as one forward pass). Unlike
 * {@link EmbeddingModel#embedImages}, a file that cannot be read or decoded does not stop the run: it is
 * left out and reported.
 */
public final class ImageFeatures {

    private ImageFeatures() {
    }

    /** A file that was left out, with the decoder's message (which names the file). */
    public record Skipped(int index, Path file, String reason) {
    }

    /**
     * Embeddings of the readable files.
     *
     * @param embeddings {@code [kept.length, embed]}, L2-normalised
     * @param kept       for every row, the index of its file in the input list
     * @param skipped    the files that could not be read, in input order
     */
    public record Result(Tensor embeddings, int[] kept, List<Skipped> skipped) {
    }

    /** Told after every batch. */
    public interface Progress {
        /** {@code count} more images were handled (embedded or skipped). */
        void advanced(int count);

        /** A file was left out. */
        default void skipped(Skipped s) {
        }
    }

    /**
     * Embeds image files with the model's own preprocessing, {@code batch} images per forward pass.
     * Unreadable files are skipped and reported, never thrown.
     */
    public static Result embedFiles(EmbeddingModel model, List<Path> files, int batch, Progress progress) {
        checkBatch(batch);
        ImageLoader loader = new ImageLoader();
        Preprocessor pre = new Preprocessor(model.preprocessConfig());
        int s = model.imageSize();
        int d = model.embedDim();
        int plane = 3 * s * s;
        float[] out = new float[Math.multiplyExact(files.size(), d)];
        int[] kept = new int[files.size()];
        int rows = 0;
        List<Skipped> skipped = new ArrayList<>();
        for (int start = 0; start < files.size(); start += batch) {
            int count = Math.min(batch, files.size() - start);
            int from = start;
            PixelValues[] px = new PixelValues[count];
            String[] errors = new String[count];
            // Decoding runs outside the compute pool (the common pool), as EmbeddingModel.embedImages does.
            IntStream.range(0, count).parallel().forEach(i -> {
                try {
                    px[i] = pre.apply(loader.load(files.get(from + i)));
                } catch (ImageDecodeException e) {
                    errors[i] = e.getMessage();
                }
            });
            float[] pixels = new float[count * plane];
            int ok = 0;
            for (int i = 0; i < count; i++) {
                if (px[i] == null) {
                    Skipped sk = new Skipped(from + i, files.get(from + i), errors[i]);
                    skipped.add(sk);
                    progress.skipped(sk);
                    continue;
                }
                checkSize(px[i], s, files.get(from + i).toString());
                System.arraycopy(px[i].chw(), 0, pixels, ok * plane, plane);
                kept[rows + ok] = from + i;
                ok++;
            }
            if (ok > 0) {
                Tensor e = model.embedPixels(Tensor.of(Arrays.copyOf(pixels, ok * plane), ok, 3, s, s));
                System.arraycopy(e.data(), 0, out, rows * d, ok * d);
                rows += ok;
            }
            progress.advanced(count);
        }
        return new Result(Tensor.of(Arrays.copyOf(out, rows * d), rows, d), Arrays.copyOf(kept, rows), skipped);
    }

    /**
     * Embeds {@code count} decoded images ({@code image.apply(i)}, e.g. a data set's pictures) with the
     * model's own preprocessing, {@code batch} per forward pass; {@code progress} gets the number of images
     * done after every batch.
     */
    public static Tensor embedImages(EmbeddingModel model, int count, IntFunction<DecodedImage> image, int batch,
                                     IntConsumer progress) {
        checkBatch(batch);
        Preprocessor pre = new Preprocessor(model.preprocessConfig());
        int s = model.imageSize();
        int d = model.embedDim();
        int plane = 3 * s * s;
        float[] out = new float[Math.multiplyExact(count, d)];
        for (int start = 0; start < count; start += batch) {
            int n = Math.min(batch, count - start);
            int from = start;
            float[] pixels = new float[n * plane];
            IntStream.range(0, n).parallel().forEach(i -> {
                PixelValues v = pre.apply(image.apply(from + i));
                checkSize(v, s, "image " + (from + i));
                System.arraycopy(v.chw(), 0, pixels, i * plane, plane);
            });
            Tensor e = model.embedPixels(Tensor.of(pixels, n, 3, s, s));
            System.arraycopy(e.data(), 0, out, start * d, n * d);
            progress.accept(n);
        }
        return Tensor.of(out, count, d);
    }

    private static void checkBatch(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
    }

    private static void checkSize(PixelValues v, int s, String what) {
        if (v.height() != s || v.width() != s) {
            throw new IllegalStateException(what + ": preprocessing gave " + v.width() + "x" + v.height()
                    + " pixels, the model needs " + s + "x" + s);
        }
    }
}
