package io.clip4j.train.model;

import io.clip4j.train.autograd.Elementwise;
import io.clip4j.train.autograd.Indexing;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.nn.MultiheadAttention;
import io.clip4j.train.nn.ParameterStore;

/**
 * CLIP's attention pooling: the spatial mean is prepended to the flattened feature map, a positional
 * embedding is added, and the mean token attends over all tokens ({@code q_proj}, {@code k_proj},
 * {@code v_proj}), projected by {@code c_proj}.
 */
final class AttentionPool2d {

    private final Variable positionalEmbedding; // [HW + 1, C]
    private final MultiheadAttention attn;
    private final int outputDim;

    AttentionPool2d(ParameterStore ps, String p, int spatial, int channels, int heads, int outputDim) {
        this.positionalEmbedding = ps.param(p + ".positional_embedding", spatial * spatial + 1, channels);
        this.attn = MultiheadAttention.separate(ps, p, "q_proj", "k_proj", "v_proj", "c_proj", channels, outputDim, heads);
        this.outputDim = outputDim;
    }

    int outputDim() {
        return outputDim;
    }

    /** {@code x [n, C, s, s]} to {@code [n, outputDim]}. */
    Variable forward(Tape tape, Variable x) {
        int n = x.dim(0);
        int len = x.dim(2) * x.dim(3) + 1;
        Variable tokens = Elementwise.addRepeated(tape, Indexing.meanAndSpatialTokens(tape, x), positionalEmbedding);
        int[] first = new int[n];
        for (int b = 0; b < n; b++) {
            first[b] = b * len;
        }
        Variable query = Indexing.selectRows(tape, tokens, first);
        return attn.crossAttention(tape, query, 1, false, tokens, len, n);
    }
}
