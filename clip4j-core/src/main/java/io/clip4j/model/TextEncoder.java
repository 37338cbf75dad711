package io.clip4j.model;

import io.clip4j.nn.Trace;
import io.clip4j.tensor.Ops;

/** A text tower: token ids {@code [batch, len]} to features {@code [batch, outputDim]}. */
public interface TextEncoder {

    /** Maximum sequence length (rows of the positional embedding). */
    int contextLength();

    int vocabSize();

    int outputDim();

    /**
     * Runs the tower.
     *
     * @param ids           {@code [batch, len]} row-major token ids, {@code len <= contextLength()}
     * @param attentionMask same shape, 1 = token, 0 = padding; may be null
     */
    float[] forward(Ops ops, long[] ids, long[] attentionMask, int batch, int len, Trace trace);

    /** FLOPs per sequence of {@code len} tokens, for benchmarks. */
    long flopsPerSequence(int len);
}
