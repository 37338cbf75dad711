package io.clip4j.model.vision;

import io.clip4j.nn.LayerNorm;
import io.clip4j.nn.Mlp;
import io.clip4j.nn.MultiHeadAttention;
import io.clip4j.nn.Trace;
import io.clip4j.tensor.Ops;

/**
 * Multihead attention pooling (SigLIP's {@code head}, timm's {@code global_pool='map'}): a learned
 * {@code probe} query attends over all tokens, then {@code x + mlp(layernorm(x))}.
 */
public final class MapHead {

    private final float[] probe;            // [width]
    private final MultiHeadAttention attention;
    private final LayerNorm layernorm;
    private final Mlp mlp;
    private final int width;

    public MapHead(float[] probe, MultiHeadAttention attention, LayerNorm layernorm, Mlp mlp) {
        this.probe = probe;
        this.attention = attention;
        this.layernorm = layernorm;
        this.mlp = mlp;
        this.width = probe.length;
    }

    /** {@code hidden [batch, tokens, width]} to {@code [batch, width]}. */
    public float[] forward(Ops ops, float[] hidden, int batch, int tokens, Trace trace, String root) {
        float[] x = attention.crossAttention(ops, probe, 1, true, hidden, tokens, batch);
        Trace.emit(trace, root + ".head.attention", x, batch, 1, width);
        float[] m = mlp.forward(ops, layernorm.forward(ops, x, batch), batch);
        ops.addInPlace(x, m);
        return x;
    }

    public long flops(int tokens) {
        long d = width;
        long h = mlp.fc().out();
        return 2 * d * d + 2L * tokens * d * 2 * d + 4L * tokens * d + 2 * d * d + 4 * d * h;
    }
}
