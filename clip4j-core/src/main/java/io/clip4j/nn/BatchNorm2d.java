package io.clip4j.nn;

/**
 * Eval-mode {@code nn.BatchNorm2d}: {@code (x - running_mean) / sqrt(running_var + eps) * weight + bias},
 * folded at load into one scale and shift per channel.
 */
public final class BatchNorm2d {

    private final float[] scale;
    private final float[] shift;

    public BatchNorm2d(float[] weight, float[] bias, float[] mean, float[] var, float eps) {
        int c = weight.length;
        scale = new float[c];
        shift = new float[c];
        for (int i = 0; i < c; i++) {
            double s = weight[i] / Math.sqrt((double) var[i] + eps);
            scale[i] = (float) s;
            shift[i] = (float) (bias[i] - mean[i] * s);
        }
    }

    /** Reads {@code weight, bias, running_mean, running_var} (ignoring {@code num_batches_tracked}). */
    public static BatchNorm2d load(WeightSource ws, int channels, float eps) {
        return new BatchNorm2d(ws.get("weight", channels), ws.get("bias", channels),
                ws.get("running_mean", channels), ws.get("running_var", channels), eps);
    }

    /** Normalises {@code x [n, c, plane]} in place, optionally followed by ReLU. */
    public void forwardInPlace(float[] x, int n, int plane, boolean relu) {
        int c = scale.length;
        for (int img = 0; img < n; img++) {
            for (int ch = 0; ch < c; ch++) {
                int off = (img * c + ch) * plane;
                float s = scale[ch];
                float t = shift[ch];
                for (int p = 0; p < plane; p++) {
                    float v = x[off + p] * s + t;
                    x[off + p] = relu && v < 0f ? 0f : v;
                }
            }
        }
    }

    public int channels() {
        return scale.length;
    }

    /** The folded per-channel factor {@code weight / sqrt(running_var + eps)} (a copy). */
    public float[] scale() {
        return scale.clone();
    }

    /** The folded per-channel offset {@code bias - running_mean * scale} (a copy). */
    public float[] shift() {
        return shift.clone();
    }
}
