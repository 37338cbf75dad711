package io.clip4j.train.optim;

import io.clip4j.train.autograd.Variable;
import io.clip4j.train.nn.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code torch.optim.AdamW}: Adam with decoupled weight decay, step for step as PyTorch computes it:
 * {@code p *= 1 - lr * wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}.
 *
 * <p>Weight decay applies to the parameters {@link #decays} selects (CLIP's rule: rank &ge; 2 and not an
 * embedding), zero to the rest. Parameters without a gradient in a step are skipped, as in PyTorch.
 */
public final class AdamW {

    private final List<Parameter> params;
    private final boolean[] decay;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, float[]> expAvg = new LinkedHashMap<>();
    private final Map<String, float[]> expAvgSq = new LinkedHashMap<>();
    private final Map<String, Integer> steps = new LinkedHashMap<>();

    /**
     * @param params      the parameters to optimise (trainable ones)
     * @param decays      which of them get weight decay
     */
    public AdamW(List<Parameter> params, double beta1, double beta2, double eps, double weightDecay,
                 Predicate<Parameter> decays) {
        this.params = new ArrayList<>(params);
        this.decay = new boolean[params.size()];
        for (int i = 0; i < params.size(); i++) {
            decay[i] = decays.test(params.get(i));
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /**
     * CLIP's weight-decay rule: parameters of rank &ge; 2 except embeddings (names containing
     * {@code token_embedding}, {@code position_embedding}, {@code positional_embedding},
     * {@code class_embedding} or {@code probe}); never gains, biases, {@code logit_scale}, {@code logit_bias}.
     */
    public static boolean clipDecayRule(Parameter p) {
        String n = p.name();
        return p.rank() >= 2 && !n.contains("token_embedding") && !n.contains("position_embedding")
                && !n.contains("positional_embedding") && !n.contains("class_embedding") && !n.contains("probe");
    }

    public List<Parameter> parameters() {
        return List.copyOf(params);
    }

    /** Whether parameter {@code i} (in {@link #parameters()} order) is decayed. */
    public boolean decays(int i) {
        return decay[i];
    }

    /** One update with learning rate {@code lr} from the parameters' current gradients. */
    public void step(double lr) {
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            Variable v = p.value();
            float[] g = v.grad();
            if (g == null) {
                continue;
            }
            float[] m = expAvg.computeIfAbsent(p.name(), k -> new float[g.length]);
            float[] s = expAvgSq.computeIfAbsent(p.name(), k -> new float[g.length]);
            int t = steps.merge(p.name(), 1, Integer::sum);
            update(v.data(), g, m, s, t, lr, decay[i] ? weightDecay : 0);
        }
    }

    private void update(float[] x, float[] g, float[] m, float[] s, int t, double lr, double wd) {
        float decayFactor = (float) (1 - lr * wd);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - beta1);
        float c2 = (float) (1 - beta2);
        float stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
        float e = (float) eps;
        int n = x.length;
        io.clip4j.tensor.Parallel.forRange((n + 65535) / 65536, c -> {
            int end = Math.min(n, (c + 1) * 65536);
            for (int i = c * 65536; i < end; i++) {
                float gi = g[i];
                float mi = b1 * m[i] + c1 * gi;
                float si = b2 * s[i] + c2 * gi * gi;
                m[i] = mi;
                s[i] = si;
                float denom = (float) Math.sqrt(si) / bc2Sqrt + e;
                x[i] = x[i] * decayFactor - stepSize * mi / denom;
            }
        });
    }

    /** The optimiser state of one parameter ({@code exp_avg}, {@code exp_avg_sq}, step), for checkpoints. */
    public record State(float[] expAvg, float[] expAvgSq, int step) {
    }

    /** The state of {@code name}, or null before its first update. */
    public State state(String name) {
        float[] m = expAvg.get(name);
        return m == null ? null : new State(m, expAvgSq.get(name), steps.get(name));
    }

    /** Restores the state of {@code name} (resuming from a checkpoint). */
    public void restore(String name, State state) {
        expAvg.put(name, state.expAvg());
        expAvgSq.put(name, state.expAvgSq());
        steps.put(name, state.step());
    }
}
