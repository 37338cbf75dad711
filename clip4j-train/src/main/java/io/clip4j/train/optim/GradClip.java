package io.clip4j.train.optim;

import io.clip4j.train.nn.Parameter;

import java.util.List;

/** {@code torch.nn.utils.clip_grad_norm_}: scales all gradients so that their global L2 norm is at most {@code maxNorm}. */
public final class GradClip {

    private GradClip() {
    }

    /** The global L2 norm of the gradients (parameters without one are skipped). */
    public static double globalNorm(List<Parameter> params) {
        double s = 0;
        for (Parameter p : params) {
            float[] g = p.value().grad();
            if (g != null) {
                for (float v : g) {
                    s += (double) v * v;
                }
            }
        }
        return Math.sqrt(s);
    }

    /** Clips in place and returns the norm before clipping. */
    public static double clip(List<Parameter> params, double maxNorm) {
        double norm = globalNorm(params);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (Parameter p : params) {
                float[] g = p.value().grad();
                if (g != null) {
                    for (int i = 0; i < g.length; i++) {
                        g[i] = (float) (g[i] * coef);
                    }
                }
            }
        }
        return norm;
    }
}
