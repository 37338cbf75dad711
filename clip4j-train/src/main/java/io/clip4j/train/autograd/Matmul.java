package io.clip4j.train.autograd;

import io.clip4j.tensor.Gemm;
import io.clip4j.tensor.Parallel;

/**
 * The matrix products of the forward and backward passes on row-major arrays, through the core's
 * blocked {@link Gemm} (or, on the {@linkplain Backend#precise() precise} backend, loops that accumulate
 * in double):
 * <ul>
 *   <li>{@link #nt}: {@code C = A B^T} (forward, weights as PyTorch stores them),</li>
 *   <li>{@link #nn}: {@code C = A B} (input gradient {@code dY W}),</li>
 *   <li>{@link #tn}: {@code C = A^T B} (weight gradient {@code dY^T X}; {@code A} is transposed first).</li>
 * </ul>
 */
public final class Matmul {

    private static final int TILE = 32;

    private Matmul() {
    }

    /** How {@code B} is stored: {@code [n, k]} ("NT", {@code A B^T}) or {@code [k, n]} ("NN", {@code A B}). */
    public enum Layout { NT, NN }

    /**
     * {@code C = [C +] A B^T} or {@code A B} (+ bias) for strided operands:
     * {@code A[i, p] = a[aOff + i * lda + p]}, {@code B} as {@code layout} says with row stride {@code ldb},
     * {@code C[i, j] = c[cOff + i * ldc + j]}.
     *
     * @param parallel split the product over the compute threads (false inside tasks that are already parallel)
     */
    public static void gemm(Backend be, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            Layout layout, float[] c, int cOff, int ldc, float[] bias, boolean accumulate, boolean parallel) {
        if (m == 0 || n == 0) {
            return;
        }
        if (be.kernels() instanceof PreciseKernels) {
            preciseGemm(m, n, k, a, aOff, lda, b, bOff, ldb, layout, c, cOff, ldc, bias, accumulate, parallel);
            return;
        }
        Gemm.multiply(be.kernels().gemmKernel(), m, n, k, a, aOff, lda, b, bOff, ldb,
                layout == Layout.NT ? Gemm.Layout.NT : Gemm.Layout.NN, c, cOff, ldc, bias, null, accumulate, parallel);
    }

    private static void preciseGemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                    Layout layout, float[] c, int cOff, int ldc, float[] bias, boolean accumulate,
                                    boolean parallel) {
        int tasks = parallel ? Math.min(m, Parallel.threads() * 4) : 1;
        int per = (m + tasks - 1) / tasks;
        Parallel.forRange((m + per - 1) / per, t -> {
            int end = Math.min(m, (t + 1) * per);
            for (int i = t * per; i < end; i++) {
                for (int j = 0; j < n; j++) {
                    double s = accumulate ? c[cOff + i * ldc + j] : 0;
                    if (bias != null) {
                        s += bias[j];
                    }
                    int ai = aOff + i * lda;
                    if (layout == Layout.NT) {
                        int bj = bOff + j * ldb;
                        for (int p = 0; p < k; p++) {
                            s += (double) a[ai + p] * b[bj + p];
                        }
                    } else {
                        for (int p = 0; p < k; p++) {
                            s += (double) a[ai + p] * b[bOff + p * ldb + j];
                        }
                    }
                    c[cOff + i * ldc + j] = (float) s;
                }
            }
        });
    }

    /** {@code C[m, n] = A[m, k] B[n, k]^T} into a new array. */
    public static float[] nt(Backend be, int m, int n, int k, float[] a, float[] b) {
        return nt(be, m, n, k, a, b, null);
    }

    /** {@code C[m, n] = A[m, k] B[n, k]^T + bias[n]} into a new array. */
    public static float[] nt(Backend be, int m, int n, int k, float[] a, float[] b, float[] bias) {
        float[] c = new float[Math.multiplyExact(m, n)];
        gemm(be, m, n, k, a, 0, k, b, 0, k, Layout.NT, c, 0, n, bias, false, true);
        return c;
    }

    /** {@code C[m, n] = A[m, k] B[k, n]} into a new array. */
    public static float[] nn(Backend be, int m, int n, int k, float[] a, float[] b) {
        float[] c = new float[Math.multiplyExact(m, n)];
        gemm(be, m, n, k, a, 0, k, b, 0, n, Layout.NN, c, 0, n, null, false, true);
        return c;
    }

    /** {@code C[m, n] = A[k, m]^T B[k, n]} into a new array. */
    public static float[] tn(Backend be, int m, int n, int k, float[] a, float[] b) {
        return nn(be, m, n, k, transpose(a, k, m), b);
    }

    /**
     * The weight gradient of a linear layer, {@code dW[out, in] = dY[rows, out]^T X[rows, in]}, transposing
     * whichever of {@code dY} and {@code X} is narrower (then, if it was {@code X}, the small result).
     */
    public static float[] weightGradient(Backend be, int rows, int out, int in, float[] dy, float[] x) {
        if (out <= in) {
            return tn(be, out, in, rows, dy, x);
        }
        return transpose(tn(be, in, out, rows, x, dy), in, out);
    }

    /** {@code [rows, cols]} into a new {@code [cols, rows]} array, in cache-sized tiles, in parallel. */
    public static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[Math.multiplyExact(rows, cols)];
        int rowTiles = (rows + TILE - 1) / TILE;
        int colTiles = (cols + TILE - 1) / TILE;
        int tiles = rowTiles * colTiles;
        if ((long) rows * cols < 1 << 16) {
            transposeTiles(x, t, rows, cols, 0, tiles, colTiles);
            return t;
        }
        int tasks = Math.min(tiles, Parallel.threads() * 4);
        int per = (tiles + tasks - 1) / tasks;
        Parallel.forRange(tasks, task -> transposeTiles(x, t, rows, cols, task * per,
                Math.min(tiles, (task + 1) * per), colTiles));
        return t;
    }

    private static void transposeTiles(float[] x, float[] t, int rows, int cols, int from, int to, int colTiles) {
        for (int tile = from; tile < to; tile++) {
            int r0 = (tile / colTiles) * TILE;
            int c0 = (tile % colTiles) * TILE;
            int r1 = Math.min(rows, r0 + TILE);
            int c1 = Math.min(cols, c0 + TILE);
            for (int r = r0; r < r1; r++) {
                int src = r * cols;
                for (int c = c0; c < c1; c++) {
                    t[c * rows + r] = x[src + c];
                }
            }
        }
    }

    /** Column sums of {@code x [rows, cols]}: the gradient of a bias added to every row. */
    public static float[] columnSums(float[] x, int rows, int cols) {
        return Reductions.columnSums(x, rows, cols);
    }
}
