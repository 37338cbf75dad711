package io.clip4j.train.model;

import io.clip4j.model.TextConfig;
import io.clip4j.model.clip.ClipConfig;
import io.clip4j.train.nn.Parameter;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * CLIP's initialisation ({@code CLIP.initialize_parameters} of openai/CLIP), applied by role whatever the
 * key layout: token embeddings N(0, 0.02), text positions N(0, 0.01), vision class token and positions
 * {@code width^-0.5 N(0, 1)}, attention input projections {@code width^-0.5}, output projections
 * {@code width^-0.5 (2 layers)^-0.5}, MLP input {@code (2 width)^-0.5}, tower projections {@code width^-0.5},
 * convolutions PyTorch's default (uniform with bound {@code 1/sqrt(fan_in)}), norms gain 1 and shift 0,
 * the last BatchNorm of each ResNet bottleneck gain 0, biases 0, {@code logit_scale = ln(1/0.07)}
 * (SigLIP: {@code ln 10} and {@code logit_bias = -10}).
 */
final class Init {

    private Init() {
    }

    static void initialize(ContrastiveModel model, long seed) {
        ModelSpec spec = model.spec();
        for (Parameter p : model.parameters().parameters()) {
            // one stream per parameter, from its name: adding a parameter does not shift the others
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + p.name().hashCode());
            fill(p, spec, rnd);
        }
        for (Map.Entry<String, float[]> b : model.parameters().buffers().entrySet()) {
            Arrays.fill(b.getValue(), b.getKey().endsWith("running_var") ? 1f : 0f);
        }
    }

    private static void fill(Parameter p, ModelSpec spec, SplittableRandom rnd) {
        String n = p.name();
        float[] v = p.data();
        boolean vision = n.startsWith("visual") || n.startsWith("vision_model");
        int width;
        int layers;
        if (vision) {
            ClipConfig.Vision vc = spec.clip() != null ? spec.clip().vision() : null;
            width = vc != null ? (vc.kind() == ClipConfig.VisionKind.RESNET ? vc.resnetEmbedWidth() : vc.width())
                    : spec.siglipVision().width();
            layers = vc != null ? Math.max(1, vc.layers()) : spec.siglipVision().layers();
        } else {
            TextConfig t = spec.text();
            width = t.width();
            layers = t.layers();
        }
        double attnStd = Math.pow(width, -0.5);
        double projStd = attnStd * Math.pow(2.0 * layers, -0.5);
        double fcStd = Math.pow(2.0 * width, -0.5);
        if (n.equals("logit_scale")) {
            Arrays.fill(v, (float) (spec.family() == ContrastiveModel.Family.SIGLIP ? Math.log(10) : Math.log(1 / 0.07)));
        } else if (n.equals("logit_bias")) {
            Arrays.fill(v, -10f);
        } else if (n.endsWith("token_embedding.weight")) {
            normal(v, 0.02, rnd);
        } else if (!vision && (n.equals("positional_embedding") || n.endsWith("embeddings.position_embedding.weight"))) {
            normal(v, 0.01, rnd);
        } else if (n.endsWith("class_embedding") || n.endsWith("positional_embedding") || n.endsWith("position_embedding.weight")
                || n.endsWith("probe")) {
            normal(v, attnStd, rnd);
        } else if (n.contains("attnpool.") && n.endsWith(".weight")) {
            normal(v, attnStd, rnd);
        } else if (n.endsWith("in_proj_weight") || n.endsWith("q_proj.weight") || n.endsWith("k_proj.weight")
                || n.endsWith("v_proj.weight")) {
            normal(v, attnStd, rnd);
        } else if (n.endsWith("out_proj.weight") || n.endsWith("mlp.c_proj.weight") || n.endsWith("mlp.fc2.weight")) {
            normal(v, projStd, rnd);
        } else if (n.endsWith("mlp.c_fc.weight") || n.endsWith("mlp.fc1.weight")) {
            normal(v, fcStd, rnd);
        } else if (n.equals("visual.proj") || n.equals("text_projection") || n.equals("text_projection.weight")
                || n.equals("visual_projection.weight") || n.endsWith("head.weight")) {
            normal(v, attnStd, rnd);
        } else if (p.rank() == 4) {
            int[] s = p.shape();
            double bound = 1 / Math.sqrt((double) s[1] * s[2] * s[3]);
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
        } else if (p.rank() == 1 && n.endsWith(".weight")) {
            // norm gains; CLIP zero-initialises the last BatchNorm of each bottleneck
            Arrays.fill(v, n.endsWith(".bn3.weight") && n.contains(".layer") ? 0f : 1f);
        } else if (p.rank() == 1 && (n.endsWith(".bias") || n.endsWith("in_proj_bias"))) {
            Arrays.fill(v, 0f);
        } else {
            throw new IllegalStateException("no initialisation rule for " + p);
        }
    }

    private static void normal(float[] v, double std, SplittableRandom rnd) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * gaussian(rnd));
        }
    }

    /** Box-Muller on a deterministic stream. */
    static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
