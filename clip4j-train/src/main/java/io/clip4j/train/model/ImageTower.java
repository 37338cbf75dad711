package io.clip4j.train.model;

import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

/** A trainable image tower: normalised pixels {@code [batch, 3, size, size]} to features {@code [batch, outputDim]}. */
public interface ImageTower {

    int imageSize();

    int outputDim();

    Variable forward(Tape tape, float[] pixels, int batch);

    /** Activation recomputation per transformer block (no effect on towers without blocks). */
    default void setRecompute(boolean recompute) {
    }
}
