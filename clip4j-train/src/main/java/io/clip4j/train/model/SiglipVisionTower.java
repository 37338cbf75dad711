package io.clip4j.train.model;

import io.clip4j.model.siglip.SiglipVisionConfig;
import io.clip4j.train.autograd.Convolutions;
import io.clip4j.train.autograd.Elementwise;
import io.clip4j.train.autograd.Linears;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.nn.LayerNorm;
import io.clip4j.train.nn.Linear;
import io.clip4j.train.nn.Mlp;
import io.clip4j.train.nn.MultiheadAttention;
import io.clip4j.train.nn.ParameterStore;
import io.clip4j.train.nn.ResidualAttentionBlock;
import io.clip4j.train.nn.Sequences;
import io.clip4j.train.nn.Transformer;

import java.util.ArrayList;
import java.util.List;

/**
 * SigLIP's vision tower (HF names under {@code vision_model.}): patchify convolution with bias, position
 * embedding (no class token), pre-norm encoder, {@code post_layernorm} on every token, and the MAP head:
 * a learned {@code probe} attends over the tokens, then {@code x + mlp(layernorm(x))}.
 */
public final class SiglipVisionTower implements ImageTower {

    private final SiglipVisionConfig cfg;
    private final Variable patchWeight;
    private final Variable patchBias;
    private final Variable positionEmbedding;
    private final Transformer transformer;
    private final LayerNorm postLayernorm;
    private final Variable probe;
    private final MultiheadAttention headAttention;
    private final LayerNorm headLayernorm;
    private final Mlp headMlp;

    public SiglipVisionTower(ParameterStore ps, SiglipVisionConfig cfg) {
        if (!cfg.useHead()) {
            throw new IllegalArgumentException("training needs the vision tower's attention-pooling head (vision_use_head)");
        }
        this.cfg = cfg;
        int w = cfg.width();
        int p = cfg.patchSize();
        int grid = cfg.imageSize() / p;
        String e = "vision_model.embeddings.";
        patchWeight = ps.param(e + "patch_embedding.weight", w, 3, p, p);
        patchBias = ps.param(e + "patch_embedding.bias", w);
        positionEmbedding = ps.param(e + "position_embedding.weight", grid * grid, w);
        List<ResidualAttentionBlock> blocks = new ArrayList<>();
        for (int i = 0; i < cfg.layers(); i++) {
            blocks.add(ResidualAttentionBlock.hf(ps, "vision_model.encoder.layers." + i, w, cfg.heads(), cfg.mlpWidth(),
                    cfg.activation(), cfg.layerNormEps()));
        }
        transformer = new Transformer(blocks);
        postLayernorm = new LayerNorm(ps, "vision_model.post_layernorm", w, cfg.layerNormEps());
        String h = "vision_model.head.";
        probe = ps.param(h + "probe", 1, 1, w);
        headAttention = MultiheadAttention.packed(ps, h + "attention", w, cfg.heads());
        headLayernorm = new LayerNorm(ps, h + "layernorm", w, cfg.layerNormEps());
        headMlp = new Mlp(new Linear(ps, h + "mlp.fc1", w, cfg.mlpWidth(), true),
                new Linear(ps, h + "mlp.fc2", cfg.mlpWidth(), w, true), cfg.activation());
    }

    @Override
    public int imageSize() {
        return cfg.imageSize();
    }

    @Override
    public int outputDim() {
        return cfg.width();
    }

    @Override
    public void setRecompute(boolean recompute) {
        transformer.setRecompute(recompute);
    }

    @Override
    public Variable forward(Tape tape, float[] pixels, int batch) {
        int p = cfg.patchSize();
        int grid = cfg.imageSize() / p;
        int len = grid * grid;
        int w = cfg.width();
        Variable x = Variable.constant(Convolutions.patches(pixels, batch, 3, cfg.imageSize(), p), batch * len, 3 * p * p);
        x = Linears.linear(tape, x, patchWeight.view(tape, w, 3 * p * p), patchBias);
        x = Elementwise.addRepeated(tape, x, positionEmbedding);
        x = transformer.forward(tape, x, Sequences.uniform(batch, len), false, null);
        x = postLayernorm.forward(tape, x);
        Variable pooled = headAttention.crossAttention(tape, probe.view(tape, 1, w), 1, true, x, len, batch);
        return Elementwise.add(tape, pooled, headMlp.forward(tape, headLayernorm.forward(tape, pooled)));
    }
}
