package io.clip4j.train.data;

import java.util.SplittableRandom;

/** Image–text pairs for contrastive training: preprocessed pixels and a caption per index. */
public interface PairDataset {

    int size();

    /** Side of the square model input. */
    int imageSize();

    /**
     * Writes example {@code index}'s preprocessed image ({@code 3 * imageSize^2} values, CHW) into {@code pixels}
     * at {@code offset} and returns its caption. {@code rnd} drives augmentation and caption choice; with
     * {@code augment} false the example is deterministic.
     */
    String load(int index, float[] pixels, int offset, SplittableRandom rnd, boolean augment);
}
