package io.clip4j.model.clip;

import io.clip4j.nn.LayerNorm;
import io.clip4j.nn.Linear;
import io.clip4j.nn.Mlp;
import io.clip4j.nn.MultiHeadAttention;
import io.clip4j.nn.ResidualAttentionBlock;
import io.clip4j.nn.WeightSource;
import io.clip4j.tensor.Activation;

/** Builds transformer blocks from the two key layouts. */
final class ClipBlocks {

    private ClipBlocks() {
    }

    /** {@code ln_1, attn.in_proj_*, attn.out_proj, ln_2, mlp.c_fc, mlp.c_proj}. */
    static ResidualAttentionBlock openAiBlock(WeightSource ws, int width, int heads, int mlpWidth, Activation act, float eps) {
        return new ResidualAttentionBlock(
                LayerNorm.load(ws.pp("ln_1"), width, eps),
                MultiHeadAttention.loadPacked(ws.pp("attn"), width, heads, false),
                LayerNorm.load(ws.pp("ln_2"), width, eps),
                new Mlp(Linear.load(ws.pp("mlp").pp("c_fc"), width, mlpWidth, true),
                        Linear.load(ws.pp("mlp").pp("c_proj"), mlpWidth, width, true), act));
    }

    /** {@code layer_norm1, self_attn.{q,k,v,out}_proj, layer_norm2, mlp.fc1, mlp.fc2}. */
    static ResidualAttentionBlock hfBlock(WeightSource ws, int width, int heads, int mlpWidth, Activation act, float eps) {
        WeightSource sa = ws.pp("self_attn");
        return new ResidualAttentionBlock(
                LayerNorm.load(ws.pp("layer_norm1"), width, eps),
                MultiHeadAttention.loadSeparate(sa.pp("q_proj"), sa.pp("k_proj"), sa.pp("v_proj"), sa.pp("out_proj"),
                        width, heads, true, false),
                LayerNorm.load(ws.pp("layer_norm2"), width, eps),
                new Mlp(Linear.load(ws.pp("mlp").pp("fc1"), width, mlpWidth, true),
                        Linear.load(ws.pp("mlp").pp("fc2"), mlpWidth, width, true), act));
    }

    /** FLOPs of one block over {@code len} queries attending {@code keys} keys. */
    static long blockFlops(ResidualAttentionBlock b, long len, long keys) {
        long d = b.attn().dim();
        long h = b.mlp().fc().out();
        return 2 * len * d * 3 * d      // qkv
                + 2 * len * keys * d * 2 // scores and weighted sum
                + 2 * len * d * d        // out_proj
                + 2 * len * d * h * 2;   // mlp
    }
}
