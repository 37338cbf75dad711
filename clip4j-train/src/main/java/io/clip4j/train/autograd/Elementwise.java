package io.clip4j.train.autograd;

import io.clip4j.tensor.Kernels;

/** Element-wise operations: sums, scaling, ReLU. */
public final class Elementwise {

    private static final int GRAIN = 1 << 15;

    private Elementwise() {
    }

    private static Kernels k() {
        return Kernels.get();
    }

    /** {@code y += x}. */
    static void addInto(float[] x, float[] y) {
        Chunks.forEach(x.length, GRAIN, (from, to) -> k().add(x, from, y, from, to - from));
    }

    /** {@code a + b} (same shape), e.g. a residual connection. */
    public static Variable add(Tape tape, Variable a, Variable b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("cannot add " + a + " and " + b);
        }
        float[] y = a.data().clone();
        addInto(b.data(), y);
        Variable out = tape.output(y, a.shape(), a, b);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                if (a.requiresGrad() && b.requiresGrad()) {
                    a.addGrad(g.clone());
                    b.addGrad(g);
                } else if (a.requiresGrad()) {
                    a.addGrad(g);
                } else {
                    b.addGrad(g);
                }
            });
        }
        return out;
    }

    /**
     * {@code x + row} for every row of {@code x [rows, width]} where {@code row} holds {@code period}
     * rows that repeat ({@code period * width} values): a positional embedding added to every sequence
     * ({@code period = len}), or a bias ({@code period = 1}).
     */
    public static Variable addRepeated(Tape tape, Variable x, Variable row) {
        int n = x.size();
        int p = row.size();
        if (p == 0 || n % p != 0) {
            throw new IllegalArgumentException("cannot broadcast " + row + " over " + x);
        }
        float[] y = x.data().clone();
        float[] r = row.data();
        Chunks.forEach(n / p, Math.max(1, GRAIN / p), (from, to) -> {
            for (int i = from; i < to; i++) {
                k().add(r, 0, y, i * p, p);
            }
        });
        Variable out = tape.output(y, x.shape(), x, row);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                if (row.requiresGrad()) {
                    row.addGrad(Reductions.columnSums(g, n / p, p));
                }
                if (x.requiresGrad()) {
                    x.addGrad(g);
                }
            });
        }
        return out;
    }

    /** {@code max(x, 0)}. */
    public static Variable relu(Tape tape, Variable x) {
        float[] xd = x.data();
        float[] y = new float[xd.length];
        Chunks.forEach(y.length, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                y[i] = xd[i] > 0f ? xd[i] : 0f;
            }
        });
        Variable out = tape.output(y, x.shape(), x);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                float[] dx = new float[g.length];
                Chunks.forEach(g.length, GRAIN, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        dx[i] = y[i] > 0f ? g[i] : 0f;
                    }
                });
                x.addGrad(dx);
            });
        }
        return out;
    }

    /** {@code x * s} for a constant {@code s}. */
    public static Variable scale(Tape tape, Variable x, float s) {
        float[] y = x.data().clone();
        k().scale(y, 0, y.length, s);
        Variable out = tape.output(y, x.shape(), x);
        if (out.requiresGrad()) {
            tape.record(out, () -> {
                float[] g = out.grad();
                k().scale(g, 0, g.length, s);
                x.addGrad(g);
            });
        }
        return out;
    }
}
