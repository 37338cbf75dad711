package io.clip4j.train.model;

import io.clip4j.model.clip.ClipConfig;
import io.clip4j.train.autograd.Convolutions;
import io.clip4j.train.autograd.Elementwise;
import io.clip4j.train.autograd.Indexing;
import io.clip4j.train.autograd.Linears;
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
 * CLIP's image transformer: patchify convolution (no bias), class token, positional embedding,
 * {@code ln_pre}, pre-norm blocks, {@code ln_post} on the class token, projection. OpenAI names
 * ({@code visual.conv1}, {@code visual.proj}) or HF names ({@code vision_model.*}, {@code visual_projection}).
 */
public final class VisionTransformer implements ImageTower {

    private final int imageSize;
    private final int patch;
    private final int width;
    private final Variable patchWeight;   // [width, 3, p, p]
    private final Variable classEmbedding; // [width]
    private final Variable positionalEmbedding; // [tokens, width]
    private final LayerNorm lnPre;
    private final Transformer transformer;
    private final LayerNorm lnPost;
    private final Projection openAiProj;  // x @ proj (OpenAI)
    private final Linear hfProj;          // visual_projection (HF)
    private volatile PatchDropout patchDropout = PatchDropout.OFF;

    private VisionTransformer(ClipConfig.Vision cfg, Variable patchWeight, Variable classEmbedding,
                              Variable positionalEmbedding, LayerNorm lnPre, Transformer transformer, LayerNorm lnPost,
                              Projection openAiProj, Linear hfProj) {
        this.imageSize = cfg.imageSize();
        this.patch = cfg.patchSize();
        this.width = cfg.width();
        this.patchWeight = patchWeight;
        this.classEmbedding = classEmbedding;
        this.positionalEmbedding = positionalEmbedding;
        this.lnPre = lnPre;
        this.transformer = transformer;
        this.lnPost = lnPost;
        this.openAiProj = openAiProj;
        this.hfProj = hfProj;
    }

    static int tokens(ClipConfig.Vision cfg) {
        int grid = cfg.imageSize() / cfg.patchSize();
        return grid * grid + 1;
    }

    /** OpenAI layout under {@code visual.}. */
    public static VisionTransformer openAi(ParameterStore ps, ClipConfig.Vision cfg, int embedDim) {
        int w = cfg.width();
        int p = cfg.patchSize();
        Variable conv = ps.param("visual.conv1.weight", w, 3, p, p);
        Variable cls = ps.param("visual.class_embedding", w);
        Variable pos = ps.param("visual.positional_embedding", tokens(cfg), w);
        LayerNorm lnPre = new LayerNorm(ps, "visual.ln_pre", w, cfg.layerNormEps());
        List<ResidualAttentionBlock> blocks = new ArrayList<>();
        for (int i = 0; i < cfg.layers(); i++) {
            blocks.add(ResidualAttentionBlock.openAi(ps, "visual.transformer.resblocks." + i, w, cfg.heads(),
                    cfg.mlpWidth(), cfg.activation(), cfg.layerNormEps()));
        }
        LayerNorm lnPost = new LayerNorm(ps, "visual.ln_post", w, cfg.layerNormEps());
        Projection proj = new Projection(ps, "visual.proj", w, embedDim);
        return new VisionTransformer(cfg, conv, cls, pos, lnPre, new Transformer(blocks), lnPost, proj, null);
    }

    /** HF layout: {@code vision_model.*} and {@code visual_projection}. */
    public static VisionTransformer hf(ParameterStore ps, ClipConfig.Vision cfg, int embedDim) {
        int w = cfg.width();
        int p = cfg.patchSize();
        Variable conv = ps.param("vision_model.embeddings.patch_embedding.weight", w, 3, p, p);
        Variable cls = ps.param("vision_model.embeddings.class_embedding", w);
        Variable pos = ps.param("vision_model.embeddings.position_embedding.weight", tokens(cfg), w);
        LayerNorm lnPre = new LayerNorm(ps, "vision_model.pre_layrnorm", w, cfg.layerNormEps());
        List<ResidualAttentionBlock> blocks = new ArrayList<>();
        for (int i = 0; i < cfg.layers(); i++) {
            blocks.add(ResidualAttentionBlock.hf(ps, "vision_model.encoder.layers." + i, w, cfg.heads(),
                    cfg.mlpWidth(), cfg.activation(), cfg.layerNormEps()));
        }
        LayerNorm lnPost = new LayerNorm(ps, "vision_model.post_layernorm", w, cfg.layerNormEps());
        Linear proj = new Linear(ps, "visual_projection", w, embedDim, false);
        return new VisionTransformer(cfg, conv, cls, pos, lnPre, new Transformer(blocks), lnPost, null, proj);
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public int outputDim() {
        return openAiProj != null ? openAiProj.out() : hfProj.out();
    }

    @Override
    public void setRecompute(boolean recompute) {
        transformer.setRecompute(recompute);
    }

    @Override
    public void setPatchDropout(PatchDropout dropout) {
        this.patchDropout = java.util.Objects.requireNonNull(dropout, "dropout");
    }

    /** Patch tokens per image. */
    int patches() {
        int grid = imageSize / patch;
        return grid * grid;
    }

    @Override
    public Variable forward(Tape tape, float[] pixels, int batch) {
        PatchDropout dropout = patchDropout;
        return forward(tape, pixels, batch, dropout.active() ? dropout.choose(batch, patches()) : null);
    }

    /** The forward pass keeping only the patches {@code kept[b]} (ascending) of image {@code b}; null: all. */
    Variable forward(Tape tape, float[] pixels, int batch, int[][] kept) {
        int patches = patches();
        int pp = 3 * patch * patch;
        float[] cols = Convolutions.patches(pixels, batch, 3, imageSize, patch);
        int keep = kept == null ? patches : kept[0].length;
        int len = keep + 1;
        Variable x;
        if (kept == null) {
            x = Variable.constant(cols, batch * patches, pp);
            x = Linears.linear(tape, x, patchWeight.view(tape, width, pp), null);
            x = Indexing.prependTokens(tape, classEmbedding, x, batch);
            x = Elementwise.addRepeated(tape, x, positionalEmbedding);
        } else {
            // Dropping a patch before the patchify product is the same as dropping its token after adding the
            // positional embedding (open_clip's order): both act on each patch alone.
            float[] keptCols = new float[Math.multiplyExact(batch * keep, pp)];
            int[] positions = new int[batch * len];
            for (int b = 0; b < batch; b++) {
                positions[b * len] = 0;
                if (kept[b].length != keep) {
                    throw new IllegalArgumentException("every image must keep as many patches as the first");
                }
                for (int j = 0; j < keep; j++) {
                    int src = kept[b][j];
                    System.arraycopy(cols, (b * patches + src) * pp, keptCols, (b * keep + j) * pp, pp);
                    positions[b * len + 1 + j] = 1 + src;
                }
            }
            x = Variable.constant(keptCols, batch * keep, pp);
            x = Linears.linear(tape, x, patchWeight.view(tape, width, pp), null);
            x = Indexing.prependTokens(tape, classEmbedding, x, batch);
            x = Elementwise.add(tape, x, Indexing.embedding(tape, positionalEmbedding, positions));
        }
        x = lnPre.forward(tape, x);
        x = transformer.forward(tape, x, Sequences.uniform(batch, len), false, null);
        int[] cls = new int[batch];
        for (int b = 0; b < batch; b++) {
            cls[b] = b * len;
        }
        Variable pooled = lnPost.forward(tape, Indexing.selectRows(tape, x, cls));
        return openAiProj != null ? openAiProj.forward(tape, pooled) : hfProj.forward(tape, pooled);
    }
}
