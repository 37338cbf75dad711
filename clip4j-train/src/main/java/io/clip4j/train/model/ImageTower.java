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

    /**
     * Patch dropout for the following forward passes ({@link PatchDropout#OFF} to stop). Only towers made of
     * patch tokens support it.
     *
     * @throws IllegalArgumentException if {@code dropout} is active and this tower has no patch tokens
     */
    default void setPatchDropout(PatchDropout dropout) {
        if (dropout.active()) {
            throw new IllegalArgumentException("patch_dropout needs a ViT image tower, not " + getClass().getSimpleName());
        }
    }
}
