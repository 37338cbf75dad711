package io.clip4j.train.model;

import io.clip4j.model.TextConfig;
import io.clip4j.model.TokenBatch;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

/** A trainable text tower: token ids {@code [batch, len]} to features {@code [batch, outputDim]}. */
public interface TextTower {

    TextConfig config();

    int outputDim();

    Variable forward(Tape tape, TokenBatch tokens);

    default void setRecompute(boolean recompute) {
    }
}
