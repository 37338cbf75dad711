package io.clip4j.model.clip;

import io.clip4j.nn.Linear;
import io.clip4j.nn.MultiHeadAttention;
import io.clip4j.nn.Trace;
import io.clip4j.nn.WeightSource;
import io.clip4j.tensor.Ops;

/**
 * CLIP's attention pooling: the spatial mean is prepended as a query token, a learned positional
 * embedding is added, and one multi-head attention step of that token over all tokens is projected by
 * {@code c_proj}.
 */
final class AttentionPool2d {

    private final float[] positionalEmbedding; // [HW + 1, C]
    private final MultiHeadAttention attn;
    private final int spatial;
    private final int channels;

    private AttentionPool2d(float[] positionalEmbedding, MultiHeadAttention attn, int spatial, int channels) {
        this.positionalEmbedding = positionalEmbedding;
        this.attn = attn;
        this.spatial = spatial;
        this.channels = channels;
    }

    static AttentionPool2d load(WeightSource ws, int spatial, int channels, int heads, int outputDim) {
        float[] w = new float[3 * channels * channels];
        float[] b = new float[3 * channels];
        String[] names = {"q_proj", "k_proj", "v_proj"};
        for (int i = 0; i < 3; i++) {
            System.arraycopy(ws.get(names[i] + ".weight", channels, channels), 0, w, i * channels * channels, channels * channels);
            System.arraycopy(ws.get(names[i] + ".bias", channels), 0, b, i * channels, channels);
        }
        Linear cProj = Linear.load(ws.pp("c_proj"), channels, outputDim, true);
        MultiHeadAttention mha = new MultiHeadAttention(w, b, cProj, channels, heads, true);
        return new AttentionPool2d(ws.get("positional_embedding", spatial * spatial + 1, channels), mha, spatial, channels);
    }

    int outputDim() {
        return attn.outProj().out();
    }

    /** {@code x [n, s, s, C]} (channels-last) to {@code [n, outputDim]}. */
    float[] forward(Ops ops, float[] x, int n, Trace trace) {
        int hw = spatial * spatial;
        int len = hw + 1;
        float[] tokens = new float[n * len * channels];
        double[] sum = new double[channels];
        for (int b = 0; b < n; b++) {
            int tb = b * len * channels;
            // Channels-last pixels are the tokens already; the first token is their mean.
            System.arraycopy(x, b * hw * channels, tokens, tb + channels, hw * channels);
            java.util.Arrays.fill(sum, 0);
            for (int p = 0; p < hw; p++) {
                int src = (b * hw + p) * channels;
                for (int c = 0; c < channels; c++) {
                    sum[c] += x[src + c];
                }
            }
            for (int c = 0; c < channels; c++) {
                tokens[tb + c] = (float) (sum[c] / hw);
            }
            ops.kernels().add(positionalEmbedding, 0, tokens, tb, len * channels);
        }
        Trace.emit(trace, "visual.attnpool.tokens", tokens, n, len, channels);
        float[] query = new float[n * channels];
        for (int b = 0; b < n; b++) {
            System.arraycopy(tokens, b * len * channels, query, b * channels, channels);
        }
        return attn.crossAttention(ops, query, 1, false, tokens, len, n);
    }

    long flops() {
        long len = (long) spatial * spatial + 1;
        long c = channels;
        return 2 * c * c + 2 * len * c * 2 * c + 4 * len * c + 2 * c * outputDim();
    }
}
