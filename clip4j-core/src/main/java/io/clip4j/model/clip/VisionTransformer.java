package io.clip4j.model.clip;

import io.clip4j.model.ImageEncoder;
import io.clip4j.model.vision.VitBackbone;
import io.clip4j.nn.Blocks;
import io.clip4j.nn.LayerNorm;
import io.clip4j.nn.Linear;
import io.clip4j.nn.ResidualAttentionBlock;
import io.clip4j.nn.Trace;
import io.clip4j.nn.Transformer;
import io.clip4j.nn.Workspace;
import io.clip4j.nn.WeightSource;
import io.clip4j.tensor.Ops;

import java.util.List;

/**
 * CLIP's image transformer: {@code conv1} patchify, {@code class_embedding}, {@code positional_embedding},
 * {@code ln_pre}, pre-norm {@code transformer.resblocks} (the shared {@link VitBackbone}), then
 * {@code ln_post} on the class token and {@code proj}.
 */
public final class VisionTransformer implements ImageEncoder {

    private final VitBackbone backbone;
    private final LayerNorm lnPost;
    private final Linear proj; // width -> embed (no bias); null: features before projection

    public VisionTransformer(VitBackbone backbone, LayerNorm lnPost, Linear proj) {
        this.backbone = backbone;
        this.lnPost = lnPost;
        this.proj = proj;
    }

    /** OpenAI layout under {@code visual.}. */
    static VisionTransformer loadOpenAi(WeightSource ws, ClipConfig.Vision cfg, int embedDim) {
        int w = cfg.width();
        int p = cfg.patchSize();
        int tokens = (cfg.imageSize() / p) * (cfg.imageSize() / p) + 1;
        WeightSource rb = ws.pp("transformer").pp("resblocks");
        List<ResidualAttentionBlock> blocks = Blocks.build(cfg.layers(),
                i -> Blocks.openAi(rb.pp(i), w, cfg.heads(), cfg.mlpWidth(), cfg.activation(), cfg.layerNormEps()));
        VitBackbone backbone = new VitBackbone(cfg.imageSize(), p, w, ws.get("conv1.weight", w, 3, p, p), null,
                new float[][]{ws.get("class_embedding", w)}, ws.get("positional_embedding", tokens, w), true,
                LayerNorm.load(ws.pp("ln_pre"), w, cfg.layerNormEps()), new Transformer(blocks, w), null);
        return new VisionTransformer(backbone, LayerNorm.load(ws.pp("ln_post"), w, cfg.layerNormEps()),
                Linear.fromMatmulWeight(ws.get("proj", w, embedDim), w, embedDim));
    }

    /** HF layout: {@code vision_model.*} plus {@code visual_projection} (null projection if absent). */
    static VisionTransformer loadHf(WeightSource vm, WeightSource projection, ClipConfig.Vision cfg, int embedDim) {
        int w = cfg.width();
        int p = cfg.patchSize();
        int tokens = (cfg.imageSize() / p) * (cfg.imageSize() / p) + 1;
        WeightSource layers = vm.pp("encoder").pp("layers");
        List<ResidualAttentionBlock> blocks = Blocks.build(cfg.layers(),
                i -> Blocks.hf(layers.pp(i), w, cfg.heads(), cfg.mlpWidth(), cfg.activation(), cfg.layerNormEps()));
        WeightSource emb = vm.pp("embeddings");
        VitBackbone backbone = new VitBackbone(cfg.imageSize(), p, w, emb.get("patch_embedding.weight", w, 3, p, p), null,
                new float[][]{emb.get("class_embedding", w)}, emb.get("position_embedding.weight", tokens, w), true,
                LayerNorm.load(vm.pp("pre_layrnorm"), w, cfg.layerNormEps()), new Transformer(blocks, w), null);
        return new VisionTransformer(backbone, LayerNorm.load(vm.pp("post_layernorm"), w, cfg.layerNormEps()),
                projection == null ? null : Linear.load(projection, w, embedDim, false));
    }

    public VitBackbone backbone() {
        return backbone;
    }

    @Override
    public int imageSize() {
        return backbone.imageSize();
    }

    @Override
    public int outputDim() {
        return proj == null ? backbone.width() : proj.out();
    }

    @Override
    public float[] forward(Ops ops, float[] pixels, int batch, Trace trace) {
        float[] pooled;
        try (Workspace ws = backbone.workspaces().acquire()) {
            float[] x = backbone.forward(ops, ws, pixels, batch, trace, "visual");
            pooled = lnPost.forward(ops, backbone.token(x, batch, 0), batch);
        }
        Trace.emit(trace, "visual.ln_post", pooled, batch, backbone.width());
        return proj == null ? pooled : proj.forward(ops, pooled, batch);
    }

    @Override
    public long flopsPerImage() {
        return backbone.flopsPerImage() + (proj == null ? 0 : 2L * backbone.width() * proj.out());
    }
}
