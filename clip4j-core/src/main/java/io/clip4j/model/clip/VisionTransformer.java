package io.clip4j.model.clip;

import io.clip4j.model.ImageEncoder;
import io.clip4j.nn.Blocks;
import io.clip4j.nn.LayerNorm;
import io.clip4j.nn.Linear;
import io.clip4j.nn.Mlp;
import io.clip4j.nn.MultiHeadAttention;
import io.clip4j.nn.ResidualAttentionBlock;
import io.clip4j.nn.Trace;
import io.clip4j.nn.Transformer;
import io.clip4j.nn.WeightSource;
import io.clip4j.tensor.Ops;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's image transformer: {@code conv1} patchify, {@code class_embedding}, {@code positional_embedding},
 * {@code ln_pre}, pre-norm {@code transformer.resblocks}, {@code ln_post} on the class token, {@code proj}.
 */
public final class VisionTransformer implements ImageEncoder {

    private final int imageSize;
    private final int patchSize;
    private final int width;
    private final int grid;
    private final float[] conv1;              // [width, 3 * p * p]
    private final float[] classEmbedding;     // [width]
    private final float[] positionalEmbedding; // [grid^2 + 1, width]
    private final LayerNorm lnPre;
    private final Transformer transformer;
    private final LayerNorm lnPost;
    private final Linear proj;                // width -> embed (no bias), null: features before projection

    public VisionTransformer(int imageSize, int patchSize, int width, float[] conv1, float[] classEmbedding,
                             float[] positionalEmbedding, LayerNorm lnPre, Transformer transformer, LayerNorm lnPost,
                             Linear proj) {
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " is not a multiple of patch size " + patchSize);
        }
        this.imageSize = imageSize;
        this.patchSize = patchSize;
        this.width = width;
        this.grid = imageSize / patchSize;
        this.conv1 = conv1;
        this.classEmbedding = classEmbedding;
        this.positionalEmbedding = positionalEmbedding;
        this.lnPre = lnPre;
        this.transformer = transformer;
        this.lnPost = lnPost;
        this.proj = proj;
    }

    /** OpenAI layout under {@code visual.}. */
    static VisionTransformer loadOpenAi(WeightSource ws, ClipConfig.Vision cfg, int embedDim) {
        int w = cfg.width();
        int p = cfg.patchSize();
        int tokens = (cfg.imageSize() / p) * (cfg.imageSize() / p) + 1;
        List<ResidualAttentionBlock> blocks = new ArrayList<>();
        WeightSource rb = ws.pp("transformer").pp("resblocks");
        for (int i = 0; i < cfg.layers(); i++) {
            blocks.add(Blocks.openAi(rb.pp(i), w, cfg.heads(), cfg.mlpWidth(), cfg.activation(), cfg.layerNormEps()));
        }
        return new VisionTransformer(cfg.imageSize(), p, w,
                ws.get("conv1.weight", w, 3, p, p),
                ws.get("class_embedding", w),
                ws.get("positional_embedding", tokens, w),
                LayerNorm.load(ws.pp("ln_pre"), w, cfg.layerNormEps()),
                new Transformer(blocks, w),
                LayerNorm.load(ws.pp("ln_post"), w, cfg.layerNormEps()),
                Linear.fromMatmulWeight(ws.get("proj", w, embedDim), w, embedDim));
    }

    /** HF layout: {@code vision_model.*} plus {@code visual_projection} (null projection if absent). */
    static VisionTransformer loadHf(WeightSource vm, WeightSource projection, ClipConfig.Vision cfg, int embedDim) {
        int w = cfg.width();
        int p = cfg.patchSize();
        int tokens = (cfg.imageSize() / p) * (cfg.imageSize() / p) + 1;
        List<ResidualAttentionBlock> blocks = new ArrayList<>();
        WeightSource layers = vm.pp("encoder").pp("layers");
        for (int i = 0; i < cfg.layers(); i++) {
            blocks.add(Blocks.hf(layers.pp(i), w, cfg.heads(), cfg.mlpWidth(), cfg.activation(), cfg.layerNormEps()));
        }
        WeightSource emb = vm.pp("embeddings");
        return new VisionTransformer(cfg.imageSize(), p, w,
                emb.get("patch_embedding.weight", w, 3, p, p),
                emb.get("class_embedding", w),
                emb.get("position_embedding.weight", tokens, w),
                LayerNorm.load(vm.pp("pre_layrnorm"), w, cfg.layerNormEps()),
                new Transformer(blocks, w),
                LayerNorm.load(vm.pp("post_layernorm"), w, cfg.layerNormEps()),
                projection == null ? null : Linear.load(projection, w, embedDim, false));
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public int outputDim() {
        return proj == null ? width : proj.out();
    }

    public int width() {
        return width;
    }

    @Override
    public float[] forward(Ops ops, float[] pixels, int batch, Trace trace) {
        int plane = imageSize * imageSize;
        if (pixels.length != batch * 3 * plane) {
            throw new IllegalArgumentException("pixel_values must be [" + batch + ", 3, " + imageSize + ", " + imageSize
                    + "] (" + batch * 3 * plane + " values), got " + pixels.length + " values");
        }
        int patches = grid * grid;
        int len = patches + 1;
        int pk = 3 * patchSize * patchSize;
        float[] x = new float[batch * len * width];
        for (int b = 0; b < batch; b++) {
            // conv1 with stride = kernel is a GEMM over non-overlapping patches.
            float[] cols = Ops.im2col(pixels, b * 3 * plane, 3, imageSize, imageSize, patchSize, patchSize,
                    patchSize, 0, grid, grid);
            ops.gemmNT(patches, width, pk, cols, 0, pk, conv1, 0, pk, x, (b * len + 1) * width, width, null, null);
        }
        if (trace.enabled()) {
            float[] nchw = new float[batch * width * patches];
            for (int b = 0; b < batch; b++) {
                for (int pIdx = 0; pIdx < patches; pIdx++) {
                    for (int c = 0; c < width; c++) {
                        nchw[(b * width + c) * patches + pIdx] = x[(b * len + 1 + pIdx) * width + c];
                    }
                }
            }
            trace.record("visual.conv1", nchw, batch, width, grid, grid);
        }
        for (int b = 0; b < batch; b++) {
            System.arraycopy(classEmbedding, 0, x, b * len * width, width);
            ops.kernels().add(positionalEmbedding, 0, x, b * len * width, len * width);
        }
        Trace.emit(trace, "visual.embeddings", x, batch, len, width);
        x = lnPre.forward(ops, x, batch * len);
        Trace.emit(trace, "visual.ln_pre", x, batch, len, width);
        transformer.forward(ops, x, batch, len, false, null, trace, "visual.resblocks");
        float[] cls = new float[batch * width];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x, b * len * width, cls, b * width, width);
        }
        float[] pooled = lnPost.forward(ops, cls, batch);
        Trace.emit(trace, "visual.ln_post", pooled, batch, width);
        return proj == null ? pooled : proj.forward(ops, pooled, batch);
    }

    @Override
    public long flopsPerImage() {
        long len = (long) grid * grid + 1;
        long f = 2L * grid * grid * width * 3L * patchSize * patchSize;
        for (ResidualAttentionBlock blk : transformer.blocks()) {
            f += Blocks.flops(blk, len, len);
        }
        if (proj != null) {
            f += 2L * width * proj.out();
        }
        return f;
    }
}
