package io.clip4j.model.clip;

import io.clip4j.model.TextConfig;
import io.clip4j.model.TextEncoder;
import io.clip4j.nn.Blocks;
import io.clip4j.nn.LayerNorm;
import io.clip4j.nn.Linear;
import io.clip4j.nn.ResidualAttentionBlock;
import io.clip4j.nn.Trace;
import io.clip4j.nn.Transformer;
import io.clip4j.nn.Workspace;
import io.clip4j.nn.WorkspacePool;
import io.clip4j.nn.WeightSource;
import io.clip4j.tensor.Ops;

import java.util.List;

/**
 * The transformer text tower: {@code token_embedding} + {@code positional_embedding}, pre-norm blocks
 * (causally masked for CLIP, bidirectional for SigLIP), {@code ln_final}, pooling at one position (CLIP:
 * the end-of-text token; SigLIP: the last position), {@code text_projection} (SigLIP: {@code head}).
 *
 * <p>With the causal mask, positions after the pooled token cannot influence it, so the tower only
 * computes the first {@code max(pooled index) + 1} positions of a batch (identical results).
 */
public final class TextTransformer implements TextEncoder {

    private final TextConfig cfg;
    private final float[] tokenEmbedding;      // [vocab, width]
    private final float[] positionalEmbedding; // [context, width]
    private final Transformer transformer;
    private final LayerNorm lnFinal;
    private final Linear projection;           // width -> embed, no bias; null: pooled features
    private final boolean truncateAfterEot;
    private final WorkspacePool workspaces = new WorkspacePool();

    public TextTransformer(TextConfig cfg, float[] tokenEmbedding, float[] positionalEmbedding, Transformer transformer,
                    LayerNorm lnFinal, Linear projection, boolean truncateAfterEot) {
        this.cfg = cfg;
        this.tokenEmbedding = tokenEmbedding;
        this.positionalEmbedding = positionalEmbedding;
        this.transformer = transformer;
        this.lnFinal = lnFinal;
        this.projection = projection;
        this.truncateAfterEot = truncateAfterEot;
    }

    /** OpenAI layout: top-level {@code token_embedding}, {@code positional_embedding}, {@code transformer}, ... */
    static TextTransformer loadOpenAi(WeightSource ws, TextConfig cfg, int embedDim) {
        int w = cfg.width();
        WeightSource rb = ws.pp("transformer").pp("resblocks");
        List<ResidualAttentionBlock> blocks = Blocks.build(cfg.layers(),
                i -> Blocks.openAi(rb.pp(i), w, cfg.heads(), cfg.mlpWidth(), cfg.activation(), cfg.layerNormEps()));
        return new TextTransformer(cfg,
                ws.get("token_embedding.weight", cfg.vocabSize(), w),
                ws.get("positional_embedding", cfg.contextLength(), w),
                new Transformer(blocks, w),
                LayerNorm.load(ws.pp("ln_final"), w, cfg.layerNormEps()),
                Linear.fromMatmulWeight(ws.get("text_projection", w, embedDim), w, embedDim), true);
    }

    /**
     * HF layout: {@code text_model.*} plus the projection ({@code text_projection}, bias-free, for CLIP;
     * {@code text_model.head} with bias for SigLIP; null if absent).
     */
    public static TextTransformer loadHf(WeightSource tm, WeightSource projection, TextConfig cfg, int embedDim,
                                         boolean projectionBias) {
        int w = cfg.width();
        WeightSource layers = tm.pp("encoder").pp("layers");
        List<ResidualAttentionBlock> blocks = Blocks.build(cfg.layers(),
                i -> Blocks.hf(layers.pp(i), w, cfg.heads(), cfg.mlpWidth(), cfg.activation(), cfg.layerNormEps()));
        WeightSource emb = tm.pp("embeddings");
        return new TextTransformer(cfg,
                emb.get("token_embedding.weight", cfg.vocabSize(), w),
                emb.get("position_embedding.weight", cfg.contextLength(), w),
                new Transformer(blocks, w),
                LayerNorm.load(tm.pp("final_layer_norm"), w, cfg.layerNormEps()),
                projection == null ? null : Linear.load(projection, w, embedDim, projectionBias), true);
    }

    /** The same tower, computing every position (for tracing all hidden states) or not. */
    public TextTransformer withTruncateAfterEot(boolean truncate) {
        return new TextTransformer(cfg, tokenEmbedding, positionalEmbedding, transformer, lnFinal, projection, truncate);
    }

    @Override
    public int contextLength() {
        return cfg.contextLength();
    }

    @Override
    public int vocabSize() {
        return cfg.vocabSize();
    }

    @Override
    public int outputDim() {
        return projection == null ? cfg.width() : projection.out();
    }

    public TextConfig config() {
        return cfg;
    }

    /** The pooling position of every row (argmax of ids, or first eos), as the reference computes it. */
    public int[] poolingIndices(long[] ids, int batch, int len) {
        int[] idx = new int[batch];
        for (int b = 0; b < batch; b++) {
            int best = 0;
            if (cfg.pooling() == TextConfig.Pooling.ARGMAX) {
                for (int t = 1; t < len; t++) {
                    if (ids[b * len + t] > ids[b * len + best]) {
                        best = t;
                    }
                }
            } else if (cfg.pooling() == TextConfig.Pooling.LAST) {
                best = len - 1;
            } else {
                for (int t = 0; t < len; t++) {
                    if (ids[b * len + t] == cfg.eosTokenId()) {
                        best = t;
                        break;
                    }
                }
            }
            idx[b] = best;
        }
        return idx;
    }

    @Override
    public float[] forward(Ops ops, long[] ids, long[] attentionMask, int batch, int len, Trace trace) {
        int w = cfg.width();
        if (ids.length != batch * len) {
            throw new IllegalArgumentException("input_ids must be [" + batch + ", " + len + "], got " + ids.length + " values");
        }
        if (len > cfg.contextLength()) {
            throw new IllegalArgumentException("input_ids has " + len + " positions, the model's context is "
                    + cfg.contextLength());
        }
        if (attentionMask != null && attentionMask.length != ids.length) {
            throw new IllegalArgumentException("attention_mask must have the shape of input_ids [" + batch + ", " + len + "]");
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= cfg.vocabSize()) {
                throw new IllegalArgumentException("token id " + ids[i] + " at [" + i / len + ", " + i % len
                        + "] is outside the vocabulary [0, " + cfg.vocabSize() + ")");
            }
        }
        int[] pooled = poolingIndices(ids, batch, len);
        int eff = len;
        if (truncateAfterEot && cfg.causal() && !trace.enabled()) {
            eff = 0;
            for (int p : pooled) {
                eff = Math.max(eff, p + 1);
            }
        }
        float[] pooledRows;
        try (Workspace ws = workspaces.acquire()) {
            float[] x = ws.get(Workspace.Slot.TOKENS, batch * eff * w);
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < eff; t++) {
                    System.arraycopy(tokenEmbedding, (int) ids[b * len + t] * w, x, (b * eff + t) * w, w);
                }
            }
            Trace.emit(trace, "text.token_embedding", x, batch, eff, w);
            for (int b = 0; b < batch; b++) {
                ops.kernels().add(positionalEmbedding, 0, x, b * eff * w, eff * w);
            }
            Trace.emit(trace, "text.embeddings", x, batch, eff, w);
            boolean[][] keyValid = null;
            if (attentionMask != null && cfg.usePaddingMask()) {
                keyValid = new boolean[batch][eff];
                for (int b = 0; b < batch; b++) {
                    for (int t = 0; t < eff; t++) {
                        keyValid[b][t] = attentionMask[b * len + t] != 0;
                    }
                }
            }
            transformer.forward(ops, ws, x, batch, eff, cfg.causal(), keyValid, trace, "text.resblocks");
            float[] rows = new float[batch * w];
            if (trace.enabled()) {
                float[] all = lnFinal.forward(ops, java.util.Arrays.copyOf(x, batch * eff * w), batch * eff);
                trace.record("text.ln_final", all.clone(), batch, eff, w);
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(all, (b * eff + pooled[b]) * w, rows, b * w, w);
                }
                pooledRows = rows;
            } else {
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(x, (b * eff + pooled[b]) * w, rows, b * w, w);
                }
                pooledRows = lnFinal.forward(ops, rows, batch);
            }
        }
        Trace.emit(trace, "text.pooled", pooledRows, batch, w);
        return projection == null ? pooledRows : projection.forward(ops, pooledRows, batch);
    }

    @Override
    public long flopsPerSequence(int len) {
        long f = 0;
        for (ResidualAttentionBlock b : transformer.blocks()) {
            f += Blocks.flops(b, len, cfg.causal() ? (len + 1) / 2 : len);
        }
        if (projection != null) {
            f += 2L * cfg.width() * projection.out();
        }
        return f;
    }
}
