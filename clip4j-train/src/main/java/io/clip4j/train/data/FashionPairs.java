package io.clip4j.train.data;

import io.clip4j.data.FashionMnist;
import io.clip4j.image.DecodedImage;
import io.clip4j.image.ImageMode;
import io.clip4j.image.PixelValues;
import io.clip4j.image.Preprocessor;

import java.util.SplittableRandom;

/**
 * Fashion-MNIST as image–caption pairs: each image with a caption built from its label
 * ({@link Captions}); augmentation shifts by up to 2 pixels (configurable) and mirrors half of the images (clothes are
 * left-right symmetric enough; Fashion-MNIST's own benchmarks use the same). Images go through the
 * model's own {@link Preprocessor}, exactly as at inference.
 */
public final class FashionPairs implements PairDataset {

    private final FashionMnist data;
    private final int[] indices;
    private final Captions captions;
    private final Preprocessor preprocessor;
    private final int imageSize;
    private final int maxShift;

    /**
     * @param subset the number of images to use (the first ones), or 0 for all
     */
    public FashionPairs(FashionMnist data, int subset, Captions captions, Preprocessor preprocessor, int imageSize) {
        this(data, subset, captions, preprocessor, imageSize, 2);
    }

    /**
     * @param subset   the number of images to use (the first ones), or 0 for all
     * @param maxShift the largest random shift of the augmentation, in pixels (0: flips only)
     */
    public FashionPairs(FashionMnist data, int subset, Captions captions, Preprocessor preprocessor, int imageSize,
                        int maxShift) {
        int n = subset > 0 ? Math.min(subset, data.size()) : data.size();
        this.indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        this.data = data;
        this.captions = captions;
        this.preprocessor = preprocessor;
        this.imageSize = imageSize;
        this.maxShift = maxShift;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    public int label(int index) {
        return data.label(indices[index]);
    }

    @Override
    public String load(int index, float[] pixels, int offset, SplittableRandom rnd, boolean augment) {
        int i = indices[index];
        byte[] img = data.imageBytes(i);
        if (augment) {
            img = Augment.shiftAndFlip(img, data.cols(), data.rows(), maxShift, 0.5, rnd);
        }
        PixelValues px = preprocessor.apply(DecodedImage.of(data.cols(), data.rows(), ImageMode.L, img));
        if (px.height() != imageSize || px.width() != imageSize) {
            throw new IllegalStateException("preprocessing gives " + px.width() + "x" + px.height() + " images, the model takes "
                    + imageSize + "x" + imageSize);
        }
        System.arraycopy(px.chw(), 0, pixels, offset, px.chw().length);
        return captions.sample(data.label(i), rnd);
    }
}
