package io.clip4j.nn;

import io.clip4j.tensor.Activation;
import io.clip4j.tensor.Parallel;

import java.util.List;
import java.util.function.IntFunction;

/** Builds the pre-norm transformer block from each checkpoint layout's key names. */
public final class Blocks {

    private Blocks() {
    }

    /**
     * Layers {@code 0 .. n-1}, built concurrently: each layer is read and packed on one compute thread, so
     * that allocating, zeroing and first touching the packed arrays (most of a model load, the kernel's page
     * faults included) proceed on every core at once instead of only the copying. Errors are those of the
     * lowest failing layer, as when building them in order.
     */
    public static List<ResidualAttentionBlock> build(int n, IntFunction<ResidualAttentionBlock> layer) {
        return Parallel.map(n, layer);
    }

    /** {@code ln_1, attn.in_proj_*, attn.out_proj, ln_2, mlp.c_fc, mlp.c_proj}. */
    public static ResidualAttentionBlock openAi(WeightSource ws, int width, int heads, int mlpWidth, Activation act, float eps) {
        return new ResidualAttentionBlock(
                LayerNorm.load(ws.pp("ln_1"), width, eps),
                MultiHeadAttention.loadPacked(ws.pp("attn"), width, heads, false),
                LayerNorm.load(ws.pp("ln_2"), width, eps),
                new Mlp(Linear.load(ws.pp("mlp").pp("c_fc"), width, mlpWidth, true),
                        Linear.load(ws.pp("mlp").pp("c_proj"), mlpWidth, width, true), act));
    }

    /** {@code layer_norm1, self_attn.{q,k,v,out}_proj, layer_norm2, mlp.fc1, mlp.fc2}. */
    public static ResidualAttentionBlock hf(WeightSource ws, int width, int heads, int mlpWidth, Activation act, float eps) {
        WeightSource sa = ws.pp("self_attn");
        return new ResidualAttentionBlock(
                LayerNorm.load(ws.pp("layer_norm1"), width, eps),
                MultiHeadAttention.loadSeparate(sa.pp("q_proj"), sa.pp("k_proj"), sa.pp("v_proj"), sa.pp("out_proj"),
                        width, heads, true, false),
                LayerNorm.load(ws.pp("layer_norm2"), width, eps),
                new Mlp(Linear.load(ws.pp("mlp").pp("fc1"), width, mlpWidth, true),
                        Linear.load(ws.pp("mlp").pp("fc2"), mlpWidth, width, true), act));
    }

    /** timm: {@code norm1, attn.qkv (fused), attn.proj, norm2, mlp.fc1, mlp.fc2}. */
    public static ResidualAttentionBlock timm(WeightSource ws, int width, int heads, int mlpWidth, Activation act,
                                              float eps, boolean qkvBias) {
        WeightSource attn = ws.pp("attn");
        return new ResidualAttentionBlock(
                LayerNorm.load(ws.pp("norm1"), width, eps),
                new MultiHeadAttention(new Linear(attn.getPacked("qkv.weight", 3 * width, width),
                        qkvBias ? attn.get("qkv.bias", 3 * width) : null),
                        Linear.load(attn.pp("proj"), width, width, true), heads),
                LayerNorm.load(ws.pp("norm2"), width, eps),
                new Mlp(Linear.load(ws.pp("mlp").pp("fc1"), width, mlpWidth, true),
                        Linear.load(ws.pp("mlp").pp("fc2"), mlpWidth, width, true), act),
                ws.getOptional("ls1.gamma", width), ws.getOptional("ls2.gamma", width));
    }

    /**
     * HF ViT: {@code layernorm_before, attention.attention.{query,key,value}, attention.output.dense,
     * layernorm_after, intermediate.dense, output.dense}.
     */
    public static ResidualAttentionBlock hfVit(WeightSource ws, int width, int heads, int mlpWidth, Activation act,
                                               float eps, boolean qkvBias) {
        WeightSource a = ws.pp("attention");
        return new ResidualAttentionBlock(
                LayerNorm.load(ws.pp("layernorm_before"), width, eps),
                MultiHeadAttention.loadSeparate(a.pp("attention").pp("query"), a.pp("attention").pp("key"),
                        a.pp("attention").pp("value"), a.pp("output").pp("dense"), width, heads, qkvBias, false),
                LayerNorm.load(ws.pp("layernorm_after"), width, eps),
                new Mlp(Linear.load(ws.pp("intermediate").pp("dense"), width, mlpWidth, true),
                        Linear.load(ws.pp("output").pp("dense"), mlpWidth, width, true), act));
    }

    /** FLOPs of one block over {@code len} queries attending {@code keys} keys. */
    public static long flops(ResidualAttentionBlock b, long len, long keys) {
        long d = b.attn().dim();
        long h = b.mlp().fc().out();
        return 2 * len * d * 3 * d      // qkv
                + 2 * len * keys * d * 2 // scores and weighted sum
                + 2 * len * d * d        // out_proj
                + 2 * len * d * h * 2;   // mlp
    }
}
