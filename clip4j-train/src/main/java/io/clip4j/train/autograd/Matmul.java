package io.clip4j.train.autograd;

import io.clip4j.tensor.Ops;
import io.clip4j.tensor.Parallel;

/**
 * The three matrix products of a linear layer's forward and backward passes, on row-major arrays,
 * all computed by the core's parallel {@link Ops#gemmNT} ("A times B-transposed"):
 * <ul>
 *   <li>{@link #nt}: {@code C = A B^T} (forward, weights as PyTorch stores them),</li>
 *   <li>{@link #nn}: {@code C = A B} (input gradient {@code dY W}),</li>
 *   <li>{@link #tn}: {@code C = A^T B} (weight gradient {@code dY^T X}).</li>
 * </ul>
 * The other two transpose their operands first (linear cost against the cubic product).
 */
public final class Matmul {

    private static final int TILE = 32;

    private Matmul() {
    }

    /** {@code C[m, n] = A[m, k] B[n, k]^T} into a new array. */
    public static float[] nt(Ops ops, int m, int n, int k, float[] a, float[] b) {
        float[] c = new float[Math.multiplyExact(m, n)];
        ops.gemmNT(m, n, k, a, 0, k, b, 0, k, c, 0, n, null, null);
        return c;
    }

    /** {@code C[m, n] = A[m, k] B[n, k]^T + bias[n]} into a new array. */
    public static float[] nt(Ops ops, int m, int n, int k, float[] a, float[] b, float[] bias) {
        float[] c = new float[Math.multiplyExact(m, n)];
        ops.gemmNT(m, n, k, a, 0, k, b, 0, k, c, 0, n, bias, null);
        return c;
    }

    /** {@code C[m, n] = A[m, k] B[k, n]} into a new array. */
    public static float[] nn(Ops ops, int m, int n, int k, float[] a, float[] b) {
        return nt(ops, m, n, k, a, transpose(b, k, n));
    }

    /** {@code C[m, n] = A[k, m]^T B[k, n]} into a new array. */
    public static float[] tn(Ops ops, int m, int n, int k, float[] a, float[] b) {
        return nt(ops, m, n, k, transpose(a, k, m), transpose(b, k, n));
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
