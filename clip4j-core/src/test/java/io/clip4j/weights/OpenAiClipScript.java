package io.clip4j.weights;

import io.clip4j.weights.TorchScriptWriter.Module;
import io.clip4j.weights.TorchScriptWriter.Tensor;
import io.clip4j.weights.TorchScriptWriter.Tuple;

import java.lang.foreign.ValueLayout;

/**
 * Rebuilds the module tree of OpenAI's {@code clip.model.CLIP} (openai/CLIP {@code clip/model.py}, with
 * torch 1.7's {@code nn} modules) around the tensors of a state dict, so a test can write it as a
 * TorchScript archive with {@link TorchScriptWriter}.
 *
 * <p>Every module has the attributes the real one has, in its registration order: parameters
 * (including those registered as None), buffers, plain attributes ({@code training}, ints, the shared
 * text {@code attn_mask} tensor, Conv2d's padding tuple, None-valued {@code downsample}) and submodules;
 * written {@link TorchScriptWriter#traced traced}, as the released {@code .pt} files were, only
 * {@code training}, the non-None parameters and buffers and the submodules remain. Like the released
 * archives, the root also has the 0-dim int64 buffers {@code input_resolution}, {@code context_length}
 * and {@code vocab_size} that {@code clip.load} deletes before {@code build_model}.
 */
final class OpenAiClipScript {

    private final WeightFile src;

    OpenAiClipScript(WeightFile src) {
        this.src = src;
    }

    /** The whole model; the image tower is a ViT or a ModifiedResNet, as the weights say. */
    Module clip() {
        long context = src.require("positional_embedding").shape()[0];
        long vocab = src.require("token_embedding.weight").shape()[0];
        boolean vit = src.contains("visual.class_embedding");
        long resolution = vit
                ? (long) Math.sqrt(src.require("visual.positional_embedding").shape()[0] - 1)
                * src.require("visual.conv1.weight").shape()[2]
                : (long) Math.sqrt(src.require("visual.attnpool.positional_embedding").shape()[0] - 1) * 32;
        Tensor mask = causalMask((int) context);
        return new Module("clip.model.CLIP")
                .param("positional_embedding", param("positional_embedding"))
                .param("text_projection", param("text_projection"))
                .param("logit_scale", param("logit_scale"))
                .buffer("input_resolution", Tensor.i64Scalar(resolution))
                .buffer("context_length", Tensor.i64Scalar(context))
                .buffer("vocab_size", Tensor.i64Scalar(vocab))
                .child("visual", vit ? vit("visual.", resolution) : resnet("visual.", resolution))
                .child("transformer", transformer("transformer.", mask))
                .child("token_embedding", new Module("torch.nn.modules.sparse.Embedding")
                        .param("weight", param("token_embedding.weight"))
                        .constant("num_embeddings : Final[int] = " + vocab)
                        .constant("padding_idx : Final[None] = None"))
                .child("ln_final", layerNorm("ln_final."));
    }

    /** {@code build_attention_mask}: -inf above the diagonal, as a float32 tensor attribute. */
    static Tensor causalMask(int n) {
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                m[i * n + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return Tensor.f32(false, new long[]{n, n}, m);
    }

    private Tensor param(String key) {
        return Tensor.of(src.require(key), src.bytes(key).toArray(ValueLayout.JAVA_BYTE), true);
    }

    private Tensor buffer(String key) {
        return Tensor.of(src.require(key), src.bytes(key).toArray(ValueLayout.JAVA_BYTE), false);
    }

    private long dim(String key, int d) {
        return src.require(key).shape()[d];
    }

    private Module vit(String p, long resolution) {
        long width = dim(p + "conv1.weight", 0);
        return new Module("clip.model.VisionTransformer")
                .attr("input_resolution", resolution)
                .attr("output_dim", dim(p + "proj", 1))
                .child("conv1", conv(p + "conv1.", dim(p + "conv1.weight", 2), 0, false))
                .param("class_embedding", param(p + "class_embedding"))
                .param("positional_embedding", param(p + "positional_embedding"))
                .child("ln_pre", layerNorm(p + "ln_pre."))
                .child("transformer", transformer(p + "transformer.", null))
                .child("ln_post", layerNorm(p + "ln_post."))
                .param("proj", param(p + "proj"))
                .constant("width : Final[int] = " + width);
    }

    private Module transformer(String p, Tensor mask) {
        long width = dim(p + "resblocks.0.ln_1.weight", 0);
        int layers = 0;
        while (src.contains(p + "resblocks." + layers + ".ln_1.weight")) {
            layers++;
        }
        Module blocks = new Module("torch.nn.modules.container.Sequential");
        for (int i = 0; i < layers; i++) {
            blocks.child(String.valueOf(i), block(p + "resblocks." + i + ".", width, mask));
        }
        return new Module("clip.model.Transformer").attr("width", width).attr("layers", (long) layers)
                .child("resblocks", blocks);
    }

    private Module block(String p, long width, Tensor mask) {
        long heads = Math.max(1, width / 64);
        Module mlp = new Module("torch.nn.modules.container.Sequential")
                .child("c_fc", linear(p + "mlp.c_fc.", "torch.nn.modules.linear.Linear"))
                .child("gelu", new Module("clip.model.QuickGELU"))
                .child("c_proj", linear(p + "mlp.c_proj.", "torch.nn.modules.linear.Linear"));
        return new Module("clip.model.ResidualAttentionBlock")
                .child("attn", attention(p + "attn.", width, heads))
                .child("ln_1", layerNorm(p + "ln_1."))
                .child("mlp", mlp)
                .child("ln_2", layerNorm(p + "ln_2."))
                // One mask tensor shared by every text block; None in the image tower. Not a buffer.
                .attr("attn_mask", mask == null ? "NoneType" : "Tensor", mask);
    }

    /** torch 1.7's nn.MultiheadAttention, with out_proj a {@code _LinearWithBias}. */
    private Module attention(String p, long width, long heads) {
        return new Module("torch.nn.modules.activation.MultiheadAttention")
                .attr("embed_dim", width).attr("kdim", width).attr("vdim", width)
                .attr("_qkv_same_embed_dim", true).attr("num_heads", heads).attr("dropout", 0.0)
                .attr("head_dim", width / heads)
                .param("in_proj_weight", param(p + "in_proj_weight"))
                .param("q_proj_weight", null).param("k_proj_weight", null).param("v_proj_weight", null)
                .param("in_proj_bias", param(p + "in_proj_bias"))
                .child("out_proj", linear(p + "out_proj.", "torch.nn.modules.linear._LinearWithBias"))
                .attr("bias_k", "Optional[Tensor]", null).attr("bias_v", "Optional[Tensor]", null)
                .attr("add_zero_attn", false);
    }

    private Module linear(String p, String cls) {
        return new Module(cls).param("weight", param(p + "weight")).param("bias", param(p + "bias"))
                .constant("in_features : Final[int] = " + dim(p + "weight", 1))
                .constant("out_features : Final[int] = " + dim(p + "weight", 0));
    }

    private Module layerNorm(String p) {
        return new Module("clip.model.LayerNorm").param("weight", param(p + "weight")).param("bias", param(p + "bias"))
                .constant("normalized_shape : Final[Tuple[int]] = (" + dim(p + "weight", 0) + ",)")
                .constant("eps : Final[float] = 1.0000000000000001e-05")
                .constant("elementwise_affine : Final[bool] = True");
    }

    private Module conv(String p, long kernel, long padding, boolean bias) {
        return new Module("torch.nn.modules.conv.Conv2d")
                .param("weight", param(p + "weight")).param("bias", bias ? param(p + "bias") : null)
                .attr("_reversed_padding_repeated_twice", new Tuple("Tuple[int, int, int, int]", padding, padding, padding, padding))
                .constant("kernel_size : Final[Tuple[int, int]] = (" + kernel + ", " + kernel + ")")
                .constant("padding_mode : Final[str] = \"zeros\"");
    }

    private Module batchNorm(String p) {
        return new Module("torch.nn.modules.batchnorm.BatchNorm2d")
                .param("weight", param(p + "weight")).param("bias", param(p + "bias"))
                .buffer("running_mean", buffer(p + "running_mean")).buffer("running_var", buffer(p + "running_var"))
                .buffer("num_batches_tracked", buffer(p + "num_batches_tracked"))
                .constant("momentum : Final[float] = 0.10000000000000001")
                .constant("track_running_stats : Final[bool] = True");
    }

    private static Module relu() {
        return new Module("torch.nn.modules.activation.ReLU").constant("inplace : Final[bool] = True");
    }

    private static Module avgPool(long k) {
        return new Module("torch.nn.modules.pooling.AvgPool2d")
                .constant("kernel_size : Final[int] = " + k).constant("ceil_mode : Final[bool] = False");
    }

    private Module resnet(String p, long resolution) {
        Module m = new Module("clip.model.ModifiedResNet")
                .attr("output_dim", dim(p + "attnpool.c_proj.weight", 0))
                .attr("input_resolution", resolution)
                .child("conv1", conv(p + "conv1.", 3, 1, false)).child("bn1", batchNorm(p + "bn1.")).child("relu1", relu())
                .child("conv2", conv(p + "conv2.", 3, 1, false)).child("bn2", batchNorm(p + "bn2.")).child("relu2", relu())
                .child("conv3", conv(p + "conv3.", 3, 1, false)).child("bn3", batchNorm(p + "bn3.")).child("relu3", relu())
                .child("avgpool", avgPool(2))
                .attr("_inplanes", dim(p + "layer4.0.conv3.weight", 0));
        for (int layer = 1; layer <= 4; layer++) {
            Module seq = new Module("torch.nn.modules.container.Sequential");
            for (int b = 0; src.contains(p + "layer" + layer + "." + b + ".conv1.weight"); b++) {
                long stride = layer > 1 && b == 0 ? 2 : 1;
                seq.child(String.valueOf(b), bottleneck(p + "layer" + layer + "." + b + ".", stride));
            }
            m.child("layer" + layer, seq);
        }
        long heads = dim(p + "layer1.0.conv1.weight", 0) * 32 / 64;
        return m.child("attnpool", new Module("clip.model.AttentionPool2d")
                .param("positional_embedding", param(p + "attnpool.positional_embedding"))
                .child("k_proj", linear(p + "attnpool.k_proj.", "torch.nn.modules.linear.Linear"))
                .child("q_proj", linear(p + "attnpool.q_proj.", "torch.nn.modules.linear.Linear"))
                .child("v_proj", linear(p + "attnpool.v_proj.", "torch.nn.modules.linear.Linear"))
                .child("c_proj", linear(p + "attnpool.c_proj.", "torch.nn.modules.linear.Linear"))
                .attr("num_heads", Math.max(1, heads)));
    }

    private Module bottleneck(String p, long stride) {
        Module m = new Module("clip.model.Bottleneck")
                .child("conv1", conv(p + "conv1.", 1, 0, false)).child("bn1", batchNorm(p + "bn1.")).child("relu1", relu())
                .child("conv2", conv(p + "conv2.", 3, 1, false)).child("bn2", batchNorm(p + "bn2.")).child("relu2", relu())
                .child("avgpool", stride > 1 ? avgPool(stride) : new Module("torch.nn.modules.linear.Identity"))
                .child("conv3", conv(p + "conv3.", 1, 0, false)).child("bn3", batchNorm(p + "bn3.")).child("relu3", relu());
        if (src.contains(p + "downsample.0.weight")) {
            // nn.Sequential(OrderedDict([("-1", AvgPool2d), ("0", Conv2d), ("1", BatchNorm2d)])): "-1" is a real name.
            m.child("downsample", new Module("torch.nn.modules.container.Sequential")
                    .child("-1", avgPool(stride))
                    .child("0", conv(p + "downsample.0.", 1, 0, false))
                    .child("1", batchNorm(p + "downsample.1.")));
        } else {
            m.attr("downsample", null);
        }
        return m.attr("stride", stride);
    }
}
