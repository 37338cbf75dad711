package io.clip4j.train.autograd;

/** Normalisations: layer norm, eval-mode batch norm, L2 normalisation of rows. */
public final class Norms {

    private static final int GRAIN_ROWS = 64;

    private Norms() {
    }

    /** {@code nn.LayerNorm} over the last dimension of {@code x} ({@code weight}, {@code bias} of that width). */
    public static Variable layerNorm(Tape tape, Variable x, Variable weight, Variable bias, float eps) {
        int n = weight.size();
        if (x.dim(-1) != n || bias.size() != n) {
            throw new IllegalArgumentException("layer_norm: " + x + " with weight " + weight + " and bias " + bias);
        }
        int rows = x.size() / n;
        float[] xd = x.data();
        float[] g = weight.data();
        float[] b = bias.data();
        float[] y = new float[xd.length];
        float[] stats = new float[2 * rows];
        TrainKernels k = tape.backend().train();
        Chunks.forEach(rows, GRAIN_ROWS, (from, to) -> {
            for (int r = from; r < to; r++) {
                k.layerNormForward(xd, r * n, n, g, b, eps, y, stats, r);
            }
        });
        Variable out = tape.output(y, x.shape(), x, weight, bias);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] dy = out.grad();
                float[] dx = x.requiresGrad() ? new float[xd.length] : null;
                float[] both = Reductions.sumOverRows(rows, 2 * n, (from, to, acc) -> {
                    float[] dg = new float[n];
                    float[] db = new float[n];
                    for (int r = from; r < to; r++) {
                        k.layerNormBackward(xd, r * n, n, g, stats[2 * r], stats[2 * r + 1], dy, dx, dg, db);
                    }
                    System.arraycopy(dg, 0, acc, 0, n);
                    System.arraycopy(db, 0, acc, n, n);
                });
                if (weight.requiresGrad()) {
                    weight.addGrad(java.util.Arrays.copyOfRange(both, 0, n));
                }
                if (bias.requiresGrad()) {
                    bias.addGrad(java.util.Arrays.copyOfRange(both, n, 2 * n));
                }
                if (dx != null) {
                    x.addGrad(dx);
                }
            });
        }
        return out;
    }

    /**
     * Eval-mode {@code nn.BatchNorm2d} on {@code x [n, c, h, w]}: {@code (x - runningMean) / sqrt(runningVar + eps)
     * * weight + bias} with the running statistics frozen; {@code weight} and {@code bias} are trained.
     */
    public static Variable batchNormEval(Tape tape, Variable x, Variable weight, Variable bias, float[] runningMean,
                                         float[] runningVar, float eps) {
        int c = weight.size();
        if (x.rank() != 4 || x.dim(1) != c) {
            throw new IllegalArgumentException("batch_norm: " + x + " with " + c + " channels");
        }
        int n = x.dim(0);
        int plane = x.dim(2) * x.dim(3);
        float[] xd = x.data();
        float[] inv = new float[c];
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int ch = 0; ch < c; ch++) {
            inv[ch] = (float) (1 / Math.sqrt((double) runningVar[ch] + eps));
            scale[ch] = weight.data()[ch] * inv[ch];
            shift[ch] = bias.data()[ch] - runningMean[ch] * scale[ch];
        }
        float[] y = new float[xd.length];
        Chunks.forEach(n * c, Math.max(1, 4096 / Math.max(1, plane)), (from, to) -> {
            for (int p = from; p < to; p++) {
                int ch = p % c;
                int off = p * plane;
                float s = scale[ch];
                float t = shift[ch];
                for (int i = 0; i < plane; i++) {
                    y[off + i] = xd[off + i] * s + t;
                }
            }
        });
        Variable out = tape.output(y, x.shape(), x, weight, bias);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                if (weight.requiresGrad() || bias.requiresGrad()) {
                    double[] dw = new double[c];
                    double[] db = new double[c];
                    for (int p = 0; p < n * c; p++) {
                        int ch = p % c;
                        int off = p * plane;
                        float m = runningMean[ch];
                        double sw = 0;
                        double sb = 0;
                        for (int i = 0; i < plane; i++) {
                            sw += g[off + i] * (xd[off + i] - m);
                            sb += g[off + i];
                        }
                        dw[ch] += sw * inv[ch];
                        db[ch] += sb;
                    }
                    if (weight.requiresGrad()) {
                        weight.addGrad(toFloat(dw));
                    }
                    if (bias.requiresGrad()) {
                        bias.addGrad(toFloat(db));
                    }
                }
                if (x.requiresGrad()) {
                    Chunks.forEach(n * c, Math.max(1, 4096 / Math.max(1, plane)), (from, to) -> {
                        for (int p = from; p < to; p++) {
                            float s = scale[p % c];
                            int off = p * plane;
                            for (int i = 0; i < plane; i++) {
                                g[off + i] *= s;
                            }
                        }
                    });
                    x.addGrad(g);
                }
            });
        }
        return out;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** Every row of {@code x [rows, n]} divided by its L2 norm ({@code F.normalize}, as CLIP's {@code x / x.norm()}). */
    public static Variable l2Normalize(Tape tape, Variable x) {
        int n = x.dim(-1);
        int rows = x.size() / n;
        float[] xd = x.data();
        float[] y = new float[xd.length];
        float[] invNorm = new float[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                double v = xd[r * n + i];
                s += v * v;
            }
            float inv = (float) (1 / Math.sqrt(s));
            invNorm[r] = inv;
            for (int i = 0; i < n; i++) {
                y[r * n + i] = xd[r * n + i] * inv;
            }
        }
        Variable out = tape.output(y, x.shape(), x);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                float[] dx = new float[g.length];
                for (int r = 0; r < rows; r++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += (double) y[r * n + i] * g[r * n + i];
                    }
                    float d = (float) dot;
                    for (int i = 0; i < n; i++) {
                        dx[r * n + i] = (g[r * n + i] - y[r * n + i] * d) * invNorm[r];
                    }
                }
                x.addGrad(dx);
            });
        }
        return out;
    }
}
