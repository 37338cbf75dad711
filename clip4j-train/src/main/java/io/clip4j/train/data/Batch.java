package io.clip4j.train.data;

import io.clip4j.model.TokenBatch;

/** A batch of matched pairs: pixels {@code [size, 3, s, s]} and the tokens of their captions. */
public record Batch(float[] pixels, TokenBatch tokens, int size) {
}
