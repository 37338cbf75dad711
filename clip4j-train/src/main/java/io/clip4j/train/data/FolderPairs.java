package io.clip4j.train.data;

import io.clip4j.image.DecodedImage;
import io.clip4j.image.ImageLoader;
import io.clip4j.image.PixelValues;
import io.clip4j.image.Preprocessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Images in a folder with a {@link CaptionFile}. Each image is decoded and brought to the model's
 * resolution once (the RGB result is cached while it fits the cache budget); augmentation, when on,
 * mirrors half of the images.
 */
public final class FolderPairs implements PairDataset {

    private final Path folder;
    private final List<CaptionFile.Pair> pairs;
    private final Preprocessor preprocessor;
    private final int imageSize;
    private final ImageLoader loader = new ImageLoader();
    private final ConcurrentHashMap<String, DecodedImage> cache = new ConcurrentHashMap<>();
    private final long cacheLimit;

    /**
     * @param cacheBytes how many bytes of model-resolution RGB images to keep in memory
     * @throws IOException if the captions file cannot be read, or names a file that does not exist
     */
    public FolderPairs(Path folder, Path captionsFile, Preprocessor preprocessor, int imageSize, long cacheBytes)
            throws IOException {
        this.folder = folder;
        this.pairs = CaptionFile.read(captionsFile);
        this.preprocessor = preprocessor;
        this.imageSize = imageSize;
        this.cacheLimit = cacheBytes / Math.max(1, 3L * imageSize * imageSize);
        for (CaptionFile.Pair p : pairs) {
            Path f = resolve(p.image());
            if (!Files.isRegularFile(f)) {
                throw new IOException(captionsFile + ": image '" + p.image() + "' not found (looked for " + f + ")");
            }
        }
    }

    private Path resolve(String image) {
        Path p = Path.of(image);
        return p.isAbsolute() ? p : folder.resolve(p);
    }

    @Override
    public int size() {
        return pairs.size();
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public String load(int index, float[] pixels, int offset, SplittableRandom rnd, boolean augment) {
        CaptionFile.Pair p = pairs.get(index);
        DecodedImage rgb = cache.get(p.image());
        if (rgb == null) {
            rgb = preprocessor.toModelRgb(loader.load(resolve(p.image())));
            if (cache.size() < cacheLimit) {
                cache.put(p.image(), rgb);
            }
        }
        if (augment && rnd.nextBoolean()) {
            rgb = DecodedImage.of(rgb.width(), rgb.height(), rgb.mode(),
                    Augment.flipHorizontal(rgb.pixels(), rgb.width(), rgb.height(), rgb.mode().channels()));
        }
        PixelValues px = preprocessor.normalize(rgb);
        if (px.height() != imageSize || px.width() != imageSize) {
            throw new IllegalStateException(p.image() + ": preprocessing gives " + px.width() + "x" + px.height()
                    + ", the model takes " + imageSize + "x" + imageSize + " (check the model's preprocessing config)");
        }
        System.arraycopy(px.chw(), 0, pixels, offset, px.chw().length);
        return p.caption();
    }
}
