package io.clip4j.train.model;

import io.clip4j.model.TextConfig;
import io.clip4j.model.TokenBatch;
import io.clip4j.train.autograd.Elementwise;
import io.clip4j.train.autograd.Indexing;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.nn.LayerNorm;
import io.clip4j.train.nn.Linear;
import io.clip4j.train.nn.ParameterStore;
import io.clip4j.train.nn.Projection;
import io.clip4j.train.nn.ResidualAttentionBlock;
import io.clip4j.train.nn.Sequences;
import io.clip4j.train.nn.Transformer;

import java.util.ArrayList;
import java.util.List;

/**
 * The transformer text tower: token and positional embeddings, pre-norm blocks (causal for CLIP,
 * bidirectional for SigLIP; HF CLIP also masks padding keys), final layer norm at the pooled position
 * (end-of-text, first eos, or last), projection. With the causal mask the positions after the last pooled
 * token of a batch cannot influence the result, so only the positions up to it are computed.
 */
public final class TextTransformer implements TextTower {

    private final TextConfig cfg;
    private final Variable tokenEmbedding;
    private final Variable positionalEmbedding;
    private final Transformer transformer;
    private final LayerNorm lnFinal;
    private final Projection openAiProj;
    private final Linear hfProj;

    private TextTransformer(TextConfig cfg, Variable tokenEmbedding, Variable positionalEmbedding, Transformer transformer,
                            LayerNorm lnFinal, Projection openAiProj, Linear hfProj) {
        this.cfg = cfg;
        this.tokenEmbedding = tokenEmbedding;
        this.positionalEmbedding = positionalEmbedding;
        this.transformer = transformer;
        this.lnFinal = lnFinal;
        this.openAiProj = openAiProj;
        this.hfProj = hfProj;
    }

    /** OpenAI layout: {@code token_embedding}, {@code positional_embedding}, {@code transformer.resblocks}, {@code ln_final}, {@code text_projection}. */
    public static TextTransformer openAi(ParameterStore ps, TextConfig cfg, int embedDim) {
        int w = cfg.width();
        List<ResidualAttentionBlock> blocks = new ArrayList<>();
        for (int i = 0; i < cfg.layers(); i++) {
            blocks.add(ResidualAttentionBlock.openAi(ps, "transformer.resblocks." + i, w, cfg.heads(), cfg.mlpWidth(),
                    cfg.activation(), cfg.layerNormEps()));
        }
        return new TextTransformer(cfg, ps.param("token_embedding.weight", cfg.vocabSize(), w),
                ps.param("positional_embedding", cfg.contextLength(), w), new Transformer(blocks),
                new LayerNorm(ps, "ln_final", w, cfg.layerNormEps()), new Projection(ps, "text_projection", w, embedDim),
                null);
    }

    /**
     * HF layout under {@code text_model.}: the projection is {@code text_projection} (CLIP, no bias) or
     * {@code text_model.head} (SigLIP, with bias).
     */
    public static TextTransformer hf(ParameterStore ps, TextConfig cfg, String projection, int embedDim, boolean projectionBias) {
        int w = cfg.width();
        List<ResidualAttentionBlock> blocks = new ArrayList<>();
        for (int i = 0; i < cfg.layers(); i++) {
            blocks.add(ResidualAttentionBlock.hf(ps, "text_model.encoder.layers." + i, w, cfg.heads(), cfg.mlpWidth(),
                    cfg.activation(), cfg.layerNormEps()));
        }
        String e = "text_model.embeddings.";
        return new TextTransformer(cfg, ps.param(e + "token_embedding.weight", cfg.vocabSize(), w),
                ps.param(e + "position_embedding.weight", cfg.contextLength(), w), new Transformer(blocks),
                new LayerNorm(ps, "text_model.final_layer_norm", w, cfg.layerNormEps()), null,
                new Linear(ps, projection, w, embedDim, projectionBias));
    }

    @Override
    public TextConfig config() {
        return cfg;
    }

    @Override
    public int outputDim() {
        return openAiProj != null ? openAiProj.out() : hfProj.out();
    }

    @Override
    public void setRecompute(boolean recompute) {
        transformer.setRecompute(recompute);
    }

    /** The pooling position of every row, as the reference computes it. */
    public int[] poolingIndices(long[] ids, int batch, int len) {
        int[] idx = new int[batch];
        for (int b = 0; b < batch; b++) {
            int best = 0;
            switch (cfg.pooling()) {
                case ARGMAX -> {
                    for (int t = 1; t < len; t++) {
                        if (ids[b * len + t] > ids[b * len + best]) {
                            best = t;
                        }
                    }
                }
                case LAST -> best = len - 1;
                case FIRST_EOS -> {
                    for (int t = 0; t < len; t++) {
                        if (ids[b * len + t] == cfg.eosTokenId()) {
                            best = t;
                            break;
                        }
                    }
                }
            }
            idx[b] = best;
        }
        return idx;
    }

    @Override
    public Variable forward(Tape tape, TokenBatch tokens) {
        int batch = tokens.batch();
        int len = tokens.length();
        long[] ids = tokens.ids();
        if (len > cfg.contextLength()) {
            throw new IllegalArgumentException("input_ids has " + len + " positions, the model's context is "
                    + cfg.contextLength());
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= cfg.vocabSize()) {
                throw new IllegalArgumentException("token id " + ids[i] + " at [" + i / len + ", " + i % len
                        + "] is outside the vocabulary [0, " + cfg.vocabSize() + ")");
            }
        }
        int[] pooled = poolingIndices(ids, batch, len);
        boolean[][] keyValid = keyValid(tokens);
        if (cfg.causal() && keyValid == null) {
            return forwardPacked(tape, ids, batch, len, pooled);
        }
        // Equal-length rows: the causal tower still stops after the last pooled position of the batch.
        int eff = len;
        if (cfg.causal()) {
            eff = 0;
            for (int p : pooled) {
                eff = Math.max(eff, p + 1);
            }
        }
        int w = cfg.width();
        int[] flat = new int[batch * eff];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < eff; t++) {
                flat[b * eff + t] = (int) ids[b * len + t];
            }
        }
        Variable x = Indexing.embedding(tape, tokenEmbedding, flat);
        Variable pos = eff == cfg.contextLength() ? positionalEmbedding : Indexing.slice(tape, positionalEmbedding, 0, eff, w);
        x = Elementwise.addRepeated(tape, x, pos);
        boolean[][] valid = null;
        if (keyValid != null) {
            valid = new boolean[batch][];
            for (int b = 0; b < batch; b++) {
                valid[b] = java.util.Arrays.copyOf(keyValid[b], eff);
            }
        }
        x = transformer.forward(tape, x, Sequences.uniform(batch, eff), cfg.causal(), valid);
        int[] rows = new int[batch];
        for (int b = 0; b < batch; b++) {
            rows[b] = b * eff + pooled[b];
        }
        return head(tape, Indexing.selectRows(tape, x, rows));
    }

    /**
     * The causal tower on packed rows: each text only up to its own pooled position (the positions after
     * it cannot influence it), one text after another, so no padding is computed at all.
     */
    private Variable forwardPacked(Tape tape, long[] ids, int batch, int len, int[] pooled) {
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = pooled[b] + 1;
        }
        Sequences seq = Sequences.packed(lengths);
        int[] flat = new int[seq.rows()];
        int[] positions = new int[seq.rows()];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                flat[seq.starts()[b] + t] = (int) ids[b * len + t];
                positions[seq.starts()[b] + t] = t;
            }
        }
        Variable x = Elementwise.add(tape, Indexing.embedding(tape, tokenEmbedding, flat),
                Indexing.embedding(tape, positionalEmbedding, positions));
        x = transformer.forward(tape, x, seq, true, null);
        int[] rows = new int[batch];
        for (int b = 0; b < batch; b++) {
            rows[b] = seq.starts()[b] + lengths[b] - 1;
        }
        return head(tape, Indexing.selectRows(tape, x, rows));
    }

    /**
     * Per text, the keys its queries may attend, when the tower uses the attention mask and the mask hides
     * a position at or before the pooled token; null when nothing needs masking (causal attention already
     * hides everything after the pooled token).
     */
    private boolean[][] keyValid(TokenBatch tokens) {
        long[] mask = tokens.attentionMask();
        if (mask == null || !cfg.usePaddingMask()) {
            return null;
        }
        int batch = tokens.batch();
        int len = tokens.length();
        int[] pooled = poolingIndices(tokens.ids(), batch, len);
        boolean needed = false;
        boolean[][] valid = new boolean[batch][len];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < len; t++) {
                valid[b][t] = mask[b * len + t] != 0;
                if (!valid[b][t] && (t <= pooled[b] || !cfg.causal())) {
                    needed = true;
                }
            }
        }
        return needed ? valid : null;
    }

    private Variable head(Tape tape, Variable pooledRows) {
        Variable feats = lnFinal.forward(tape, pooledRows);
        return openAiProj != null ? openAiProj.forward(tape, feats) : hfProj.forward(tape, feats);
    }
}
