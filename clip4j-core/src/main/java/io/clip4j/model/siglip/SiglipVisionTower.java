package io.clip4j.model.siglip;

import io.clip4j.model.ImageEncoder;
import io.clip4j.model.vision.MapHead;
import io.clip4j.model.vision.VitBackbone;
import io.clip4j.nn.Blocks;
import io.clip4j.nn.LayerNorm;
import io.clip4j.nn.Linear;
import io.clip4j.nn.Mlp;
import io.clip4j.nn.MultiHeadAttention;
import io.clip4j.nn.ResidualAttentionBlock;
import io.clip4j.nn.Trace;
import io.clip4j.nn.Workspace;
import io.clip4j.nn.Transformer;
import io.clip4j.nn.WeightSource;
import io.clip4j.tensor.Ops;

import java.util.List;

/**
 * SigLIP's vision tower: patch convolution with bias, learned position embeddings and no class token,
 * pre-norm encoder, {@code post_layernorm} over every token ({@code last_hidden_state}), and the MAP
 * attention-pooling {@code head} ({@code pooler_output}, the image feature).
 */
public final class SiglipVisionTower implements ImageEncoder {

    /** Both outputs of the tower. */
    public record Output(float[] lastHiddenState, float[] poolerOutput, int batch, int tokens, int width) {
    }

    private final VitBackbone backbone;
    private final MapHead head; // null when the checkpoint has no head (vision_use_head = false)

    public SiglipVisionTower(VitBackbone backbone, MapHead head) {
        this.backbone = backbone;
        this.head = head;
    }

    /** HF layout under {@code vision_model.}. */
    static SiglipVisionTower loadHf(WeightSource vm, SiglipVisionConfig cfg) {
        int w = cfg.width();
        int p = cfg.patchSize();
        int grid = cfg.imageSize() / p;
        WeightSource layers = vm.pp("encoder").pp("layers");
        List<ResidualAttentionBlock> blocks = Blocks.build(cfg.layers(),
                i -> Blocks.hf(layers.pp(i), w, cfg.heads(), cfg.mlpWidth(), cfg.activation(), cfg.layerNormEps()));
        WeightSource emb = vm.pp("embeddings");
        VitBackbone backbone = new VitBackbone(cfg.imageSize(), p, w,
                emb.get("patch_embedding.weight", w, 3, p, p), emb.get("patch_embedding.bias", w),
                new float[0][], emb.get("position_embedding.weight", grid * grid, w), true, null,
                new Transformer(blocks, w), LayerNorm.load(vm.pp("post_layernorm"), w, cfg.layerNormEps()));
        MapHead head = null;
        if (cfg.useHead()) {
            WeightSource h = vm.pp("head");
            head = new MapHead(h.get("probe", 1, 1, w),
                    MultiHeadAttention.loadPacked(h.pp("attention"), w, cfg.heads(), true),
                    LayerNorm.load(h.pp("layernorm"), w, cfg.layerNormEps()),
                    new Mlp(Linear.load(h.pp("mlp").pp("fc1"), w, cfg.mlpWidth(), true),
                            Linear.load(h.pp("mlp").pp("fc2"), cfg.mlpWidth(), w, true), cfg.activation()));
        }
        return new SiglipVisionTower(backbone, head);
    }

    public VitBackbone backbone() {
        return backbone;
    }

    public boolean hasHead() {
        return head != null;
    }

    @Override
    public int imageSize() {
        return backbone.imageSize();
    }

    @Override
    public int outputDim() {
        return backbone.width();
    }

    /** Runs the tower and returns {@code last_hidden_state} and {@code pooler_output} (null without a head). */
    public Output forwardAll(Ops ops, float[] pixels, int batch, Trace trace) {
        float[] hidden = backbone.forward(ops, pixels, batch, trace, "vision");
        float[] pooled = head == null ? null : head.forward(ops, hidden, batch, backbone.tokens(), trace, "vision");
        if (pooled != null) {
            Trace.emit(trace, "vision.pooler_output", pooled, batch, backbone.width());
        }
        return new Output(hidden, pooled, batch, backbone.tokens(), backbone.width());
    }

    @Override
    public float[] forward(Ops ops, float[] pixels, int batch, Trace trace) {
        if (head == null) {
            throw new IllegalStateException("this SigLIP vision checkpoint has no pooling head (vision_use_head=false): "
                    + "use last_hidden_state");
        }
        try (Workspace ws = backbone.workspaces().acquire()) {
            float[] hidden = backbone.forward(ops, ws, pixels, batch, trace, "vision");
            float[] pooled = head.forward(ops, hidden, batch, backbone.tokens(), trace, "vision");
            Trace.emit(trace, "vision.pooler_output", pooled, batch, backbone.width());
            return pooled;
        }
    }

    @Override
    public long flopsPerImage() {
        return backbone.flopsPerImage() + (head == null ? 0 : head.flops(backbone.tokens()));
    }
}
