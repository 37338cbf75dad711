package io.clip4j.model.vision;

import io.clip4j.nn.Blocks;
import io.clip4j.nn.LayerNorm;
import io.clip4j.nn.ResidualAttentionBlock;
import io.clip4j.nn.Trace;
import io.clip4j.nn.Transformer;
import io.clip4j.nn.Workspace;
import io.clip4j.nn.WorkspacePool;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.PackedMatrix;

import java.util.Arrays;

/**
 * The Vision Transformer trunk shared by every family: patchify with a convolution whose stride is its
 * kernel ({@code conv1} / {@code patch_embedding} / {@code patch_embed.proj}), optional prefix tokens
 * (class token; DeiT's distillation token), a learned positional embedding, an optional {@code ln_pre},
 * pre-norm blocks and an optional norm over every output token.
 *
 * <p>Trace names (under a root such as {@code visual}): {@code <root>.conv1} (NCHW),
 * {@code <root>.embeddings}, {@code <root>.ln_pre}, {@code <root>.resblocks.<i>[.after_attn]},
 * {@code <root>.norm}.
 */
public final class VitBackbone {

    private final int imageSize;
    private final int patchSize;
    private final int width;
    private final int grid;
    private final PackedMatrix patchWeight; // [width, 3 * p * p], packed once instead of per image
    private final float[] patchBias;      // [width] or null
    private final float[][] prefixTokens; // class token, distillation token, ... each [width]
    private final float[] positionalEmbedding; // [tokens, width] or [patches, width]
    private final boolean posCoversPrefix;
    private final LayerNorm lnPre;        // null if absent
    private final Transformer transformer;
    private final LayerNorm norm;         // over every token at the end, null if absent
    private final WorkspacePool workspaces = new WorkspacePool();

    /**
     * @param posCoversPrefix whether the positional embedding has rows for the prefix tokens (CLIP, ViT,
     *                        DeiT) or only for the patches (timm {@code no_embed_class})
     */
    public VitBackbone(int imageSize, int patchSize, int width, float[] patchWeight, float[] patchBias,
                       float[][] prefixTokens, float[] positionalEmbedding, boolean posCoversPrefix, LayerNorm lnPre,
                       Transformer transformer, LayerNorm norm) {
        if (patchSize <= 0 || imageSize % patchSize != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " is not a multiple of patch size " + patchSize);
        }
        this.imageSize = imageSize;
        this.patchSize = patchSize;
        this.width = width;
        this.grid = imageSize / patchSize;
        this.patchWeight = PackedMatrix.ofRows(patchWeight, 0, width, 3 * patchSize * patchSize);
        this.patchBias = patchBias;
        this.prefixTokens = prefixTokens.clone();
        this.positionalEmbedding = positionalEmbedding;
        this.posCoversPrefix = posCoversPrefix;
        this.lnPre = lnPre;
        this.transformer = transformer;
        this.norm = norm;
        int rows = posCoversPrefix ? tokens() : grid * grid;
        if (positionalEmbedding.length != rows * width) {
            throw new IllegalArgumentException("positional embedding has " + positionalEmbedding.length / width
                    + " rows, expected " + rows);
        }
    }

    public int imageSize() {
        return imageSize;
    }

    public int patchSize() {
        return patchSize;
    }

    public int width() {
        return width;
    }

    /** Number of prefix tokens (0 for SigLIP, 1 with a class token, 2 with DeiT's distillation token). */
    public int prefixCount() {
        return prefixTokens.length;
    }

    /** Sequence length: prefix tokens plus patches. */
    public int tokens() {
        return prefixTokens.length + grid * grid;
    }

    public Transformer transformer() {
        return transformer;
    }

    /**
     * Runs the trunk on {@code batch} images (NCHW float32) and returns the hidden states
     * {@code [batch, tokens, width]} (after the final norm, when there is one) in a new array.
     */
    public float[] forward(Ops ops, float[] pixels, int batch, Trace trace, String root) {
        try (Workspace ws = new Workspace()) {
            float[] x = forward(ops, ws, pixels, batch, trace, root);
            int n = batch * tokens() * width;
            return x.length == n ? x : Arrays.copyOf(x, n);
        }
    }

    /**
     * Workspaces for {@link #forward(Ops, Workspace, float[], int, Trace, String)}, kept between calls so that
     * the activations are allocated once, not per call.
     */
    public WorkspacePool workspaces() {
        return workspaces;
    }

    /**
     * As {@link #forward(Ops, float[], int, Trace, String)}, with every activation in {@code ws}: the
     * result is the first {@code batch * tokens * width} values of a buffer of {@code ws}, valid until the
     * workspace is closed or used again.
     */
    public float[] forward(Ops ops, Workspace ws, float[] pixels, int batch, Trace trace, String root) {
        int plane = imageSize * imageSize;
        if (pixels.length != (long) batch * 3 * plane) {
            throw new IllegalArgumentException("pixel_values must be [" + batch + ", 3, " + imageSize + ", " + imageSize
                    + "] (" + (long) batch * 3 * plane + " values), got " + pixels.length + " values");
        }
        int patches = grid * grid;
        int prefix = prefixTokens.length;
        int len = prefix + patches;
        int pk = 3 * patchSize * patchSize;
        float[] x = ws.get(Workspace.Slot.TOKENS, Math.multiplyExact(batch * len, width));
        float[] cols = ws.get(Workspace.Slot.COLUMNS, patches * pk);
        for (int b = 0; b < batch; b++) {
            // A convolution with stride = kernel is a GEMM over non-overlapping patches.
            Ops.im2col(pixels, b * 3 * plane, 3, imageSize, imageSize, patchSize, patchSize, patchSize, 0, grid, grid,
                    cols);
            ops.linearInto(cols, 0, patches, patchWeight, patchBias, null, x, (b * len + prefix) * width, false);
        }
        if (trace.enabled()) {
            float[] nchw = new float[batch * width * patches];
            for (int b = 0; b < batch; b++) {
                for (int p = 0; p < patches; p++) {
                    for (int c = 0; c < width; c++) {
                        nchw[(b * width + c) * patches + p] = x[(b * len + prefix + p) * width + c];
                    }
                }
            }
            trace.record(root + ".conv1", nchw, batch, width, grid, grid);
        }
        for (int b = 0; b < batch; b++) {
            int base = b * len * width;
            for (int t = 0; t < prefix; t++) {
                System.arraycopy(prefixTokens[t], 0, x, base + t * width, width);
            }
            if (posCoversPrefix) {
                ops.kernels().add(positionalEmbedding, 0, x, base, len * width);
            } else {
                ops.kernels().add(positionalEmbedding, 0, x, base + prefix * width, patches * width);
            }
        }
        Trace.emit(trace, root + ".embeddings", x, batch, len, width);
        if (lnPre != null) {
            lnPre.forwardInto(ops, x, batch * len, x); // row by row, in place
            Trace.emit(trace, root + ".ln_pre", x, batch, len, width);
        }
        transformer.forward(ops, ws, x, batch, len, false, null, trace, root + ".resblocks");
        if (norm != null) {
            norm.forwardInto(ops, x, batch * len, x);
            Trace.emit(trace, root + ".norm", x, batch, len, width);
        }
        return x;
    }

    /** Rows {@code token} of every batch item: {@code [batch, width]}. */
    public float[] token(float[] hidden, int batch, int token) {
        int len = tokens();
        float[] out = new float[batch * width];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(hidden, (b * len + token) * width, out, b * width, width);
        }
        return out;
    }

    /** Mean over the patch tokens (prefix tokens excluded), as timm's {@code global_pool='avg'}: {@code [batch, width]}. */
    public float[] meanOfPatches(float[] hidden, int batch) {
        int len = tokens();
        int prefix = prefixTokens.length;
        float[] out = new float[batch * width];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < width; c++) {
                double s = 0;
                for (int t = prefix; t < len; t++) {
                    s += hidden[(b * len + t) * width + c];
                }
                out[b * width + c] = (float) (s / (len - prefix));
            }
        }
        return out;
    }

    /** FLOPs per image of the trunk. */
    public long flopsPerImage() {
        long len = tokens();
        long f = 2L * grid * grid * width * 3L * patchSize * patchSize;
        for (ResidualAttentionBlock blk : transformer.blocks()) {
            f += Blocks.flops(blk, len, len);
        }
        return f;
    }
}
