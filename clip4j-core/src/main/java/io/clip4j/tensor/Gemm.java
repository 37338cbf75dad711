package io.clip4j.tensor;

/**
 * Blocked, multi-threaded single-precision matrix product {@code C [m, n] = act([C +] A B^T + bias)} over
 * a {@link GemmKernel}, with {@code A [m, k]} row-major and {@code B [n, k]} either pre-packed
 * ({@link PackedMatrix}, the weights) or any strided matrix packed here block by block.
 *
 * <p>Blocking (after BLIS): {@code k} is cut into blocks of {@link #KC} so that one row tile of
 * {@code A} ({@code mr x KC}) stays in L1 while it meets every packed panel of the task's column range,
 * and those panels ({@code KC x cols}) stay in L2 while every row tile of the task passes over them.
 * Work is cut into (row block, column block) tasks, fine enough that both cores get several tasks at
 * 50 rows and coarse enough that packing and hand-off stay negligible at 1600 rows.
 */
public final class Gemm {

    /** Depth of one block of k: a 8 x 256 tile of A is 8 KiB, a 256 x 48 panel 48 KiB. */
    static final int KC = Integer.getInteger("clip4j.gemm.kc", 256);
    /** At most this many panels per task: 8 x 48 x 256 floats = 384 KiB of B in L2. */
    static final int MAX_PANELS = Integer.getInteger("clip4j.gemm.panels", 8);
    /** At most this many rows per task. */
    static final int MAX_ROWS = Integer.getInteger("clip4j.gemm.rows", 192);
    /** Below this many multiply-adds one thread is faster than waking another. */
    private static final long SERIAL_WORK = 1L << 18;

    private static final ThreadLocal<float[]> PACK_BUFFER = new ThreadLocal<>();

    private Gemm() {
    }

    /** How {@code B} is stored when it is not pre-packed. */
    public enum Layout {
        /** {@code B[j, p] = b[off + j * ldb + p]}: rows of B are output columns ({@code A B^T}, a Linear weight). */
        NT,
        /** {@code B[j, p] = b[off + p * ldb + j]}: B is {@code [k, n]} row-major ({@code A B}). */
        NN
    }

    /**
     * {@code C = act([C +] A W^T + bias)} with a pre-packed {@code W [n, k]}: with {@code accumulate} the
     * activation applies to the sum (a residual block's {@code relu(x + branch)}).
     */
    public static void multiply(GemmKernel kern, int m, float[] a, int aOff, int lda, PackedMatrix w,
                                float[] c, int cOff, int ldc, float[] bias, Activation act, boolean accumulate,
                                boolean parallel) {
        if (kern instanceof BlasGemmKernel blas) {
            if (w.nr() == 1) { // panels of one: W [n, k] row-major
                blas(blas, m, w.n(), w.k(), a, aOff, lda, w.data(), 0, w.k(), true, c, cOff, ldc, bias, act,
                        accumulate, parallel);
            } else if (w.nr() >= w.n()) { // one panel: W^T [k, n] row-major with row stride nr
                blas(blas, m, w.n(), w.k(), a, aOff, lda, w.data(), 0, w.nr(), false, c, cOff, ldc, bias, act,
                        accumulate, parallel);
            } else {
                float[] rows = w.toRowMajor();
                blas(blas, m, w.n(), w.k(), a, aOff, lda, rows, 0, w.k(), true, c, cOff, ldc, bias, act,
                        accumulate, parallel);
            }
            return;
        }
        if (w.nr() != kern.nr() && !(kern instanceof ScalarGemmKernel)) {
            // Packed for another kernel (only when kernels are mixed in one JVM): repack, correct if slow.
            float[] rows = w.toRowMajor();
            multiply(kern, m, w.n(), w.k(), a, aOff, lda, rows, 0, w.k(), Layout.NT, c, cOff, ldc, bias, act,
                    accumulate, parallel);
            return;
        }
        run(kern, m, w.n(), w.k(), a, aOff, lda, null, 0, 0, null, w, c, cOff, ldc, bias, act, accumulate, parallel);
    }

    /** {@code C = act([C +] A B + bias)} with {@code B} stored as {@code layout} says. */
    public static void multiply(GemmKernel kern, int m, int n, int k, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb, Layout layout,
                                float[] c, int cOff, int ldc, float[] bias, Activation act, boolean accumulate,
                                boolean parallel) {
        if (kern instanceof BlasGemmKernel blas) {
            blas(blas, m, n, k, a, aOff, lda, b, bOff, ldb, layout == Layout.NT, c, cOff, ldc, bias, act, accumulate,
                    parallel);
            return;
        }
        run(kern, m, n, k, a, aOff, lda, b, bOff, ldb, layout, null, c, cOff, ldc, bias, act, accumulate, parallel);
    }

    /**
     * The native BLAS path: C cut into a few blocks (rows when there are many, else columns), each one
     * single-threaded {@code sgemm} call on the parking pool followed by the epilogue on that block.
     */
    private static void blas(BlasGemmKernel kern, int m, int n, int k, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, boolean transB, float[] c, int cOff, int ldc,
                             float[] bias, Activation act, boolean accumulate, boolean parallel) {
        if (m <= 0 || n <= 0) {
            return;
        }
        int threads = parallel && (long) m * n * k >= SERIAL_WORK ? Parallel.threads() : 1;
        int blocks = threads == 1 ? 1 : 2 * threads;
        boolean byRows = m >= n || n < 32 * blocks;
        int step = byRows ? roundUp(Math.max(1, (m + blocks - 1) / blocks), 8)
                : roundUp(Math.max(1, (n + blocks - 1) / blocks), 16);
        int tasks = ((byRows ? m : n) + step - 1) / step;
        Block block = t -> {
            int i0 = byRows ? t * step : 0;
            int rows = byRows ? Math.min(step, m - i0) : m;
            int j0 = byRows ? 0 : t * step;
            int cols = byRows ? n : Math.min(step, n - j0);
            int cBlock = cOff + i0 * ldc + j0;
            if (k == 0) {
                if (!accumulate) {
                    for (int i = 0; i < rows; i++) {
                        java.util.Arrays.fill(c, cBlock + i * ldc, cBlock + i * ldc + cols, 0f);
                    }
                }
            } else {
                int bBlock = bOff + (transB ? j0 * ldb : j0);
                kern.blas().sgemm(transB, rows, cols, k, a, aOff + i0 * lda, lda, b, bBlock, ldb, accumulate,
                        c, cBlock, ldc);
            }
            if (bias != null || act != null) {
                kern.finish(c, cBlock, ldc, rows, cols, bias, j0, act);
            }
        };
        if (tasks > 1) {
            Parallel.forRange(tasks, block::run);
        } else {
            block.run(0);
        }
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    private static void run(GemmKernel kern, int m, int n, int k, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb, Layout layout, PackedMatrix packed,
                            float[] c, int cOff, int ldc, float[] bias, Activation act, boolean accumulate,
                            boolean parallel) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k == 0) {
            // No products: C keeps (or starts from zero) plus the epilogue.
            for (int i = 0; i < m; i++) {
                int row = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    float v = accumulate ? c[row + j] : 0f;
                    if (bias != null) {
                        v += bias[j];
                    }
                    c[row + j] = act == null ? v : act.apply(v);
                }
            }
            return;
        }
        int nr = packed != null ? packed.nr() : kern.nr();
        int mr = kern.mr();
        int panels = (n + nr - 1) / nr;
        int rowTiles = (m + mr - 1) / mr;
        int panelsPerTask = Math.min(panels, MAX_PANELS);
        int tilesPerTask = Math.min(rowTiles, Math.max(1, MAX_ROWS / mr));
        int threads = parallel && (long) m * n * k >= SERIAL_WORK ? Parallel.threads() : 1;
        if (threads > 1) {
            // Enough tasks for the counter-based scheduling to even out (3 per thread), column blocks first:
            // splitting rows re-reads B, splitting columns only re-reads the (smaller, L1-resident) A tile.
            int want = 3 * threads;
            while (tasks(rowTiles, tilesPerTask, panels, panelsPerTask) < want && panelsPerTask > 1) {
                panelsPerTask = (panelsPerTask + 1) / 2;
            }
            while (tasks(rowTiles, tilesPerTask, panels, panelsPerTask) < want && tilesPerTask > 1) {
                tilesPerTask = (tilesPerTask + 1) / 2;
            }
        } else {
            tilesPerTask = rowTiles;
            panelsPerTask = Math.min(panels, MAX_PANELS);
        }
        int rowBlocks = (rowTiles + tilesPerTask - 1) / tilesPerTask;
        int colBlocks = (panels + panelsPerTask - 1) / panelsPerTask;
        int rowsPerTask = tilesPerTask * mr;
        int ppt = panelsPerTask;
        Block block = (t) -> {
            // Column-block-major: consecutive tasks share the same panels of B.
            int rb = t % rowBlocks;
            int cb = t / rowBlocks;
            int i0 = rb * rowsPerTask;
            int i1 = Math.min(m, i0 + rowsPerTask);
            int p0 = cb * ppt;
            int p1 = Math.min(panels, p0 + ppt);
            task(kern, i0, i1, p0, p1, n, k, nr, a, aOff, lda, b, bOff, ldb, layout, packed, c, cOff, ldc,
                    bias, act, accumulate);
        };
        int tasks = rowBlocks * colBlocks;
        if (threads > 1) {
            Parallel.forRange(tasks, block::run);
        } else {
            for (int t = 0; t < tasks; t++) {
                block.run(t);
            }
        }
    }

    private static int tasks(int rowTiles, int tilesPerTask, int panels, int panelsPerTask) {
        return ((rowTiles + tilesPerTask - 1) / tilesPerTask) * ((panels + panelsPerTask - 1) / panelsPerTask);
    }

    @FunctionalInterface
    private interface Block {
        void run(int task);
    }

    /** Rows {@code [i0, i1)} against panels {@code [p0, p1)}, every block of k. */
    private static void task(GemmKernel kern, int i0, int i1, int p0, int p1, int n, int k, int nr,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb, Layout layout,
                             PackedMatrix packed, float[] c, int cOff, int ldc, float[] bias, Activation act,
                             boolean accumulate) {
        int mr = kern.mr();
        float[] buf = null;
        if (packed == null) {
            buf = packBuffer(Math.min(KC, k) * (p1 - p0) * nr);
        }
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean last = pc + kc == k;
            boolean acc = accumulate || pc > 0;
            float[] bp;
            if (packed == null) {
                pack(b, bOff, ldb, layout, n, nr, p0, p1, pc, kc, buf);
                bp = buf;
            } else {
                bp = packed.data();
            }
            for (int ir = i0; ir < i1; ir += mr) {
                int rows = Math.min(mr, i1 - ir);
                int aRow = aOff + ir * lda + pc;
                for (int p = p0; p < p1; p++) {
                    int j0 = p * nr;
                    int bBase = packed == null ? (p - p0) * kc * nr : (p * k + pc) * nr;
                    int cTile = cOff + ir * ldc + j0;
                    int cols = Math.min(nr, n - j0);
                    kern.tile(kc, a, aRow, lda, rows, bp, bBase, nr, c, cTile, ldc, cols, acc);
                    if (last && (bias != null || act != null)) {
                        kern.finish(c, cTile, ldc, rows, cols, bias, j0, act);
                    }
                }
            }
        }
    }

    /** Packs panels {@code [p0, p1)} of B over {@code [pc, pc + kc)} as {@code [panel][kc][nr]}, zero-padded. */
    private static void pack(float[] b, int bOff, int ldb, Layout layout, int n, int nr, int p0, int p1, int pc, int kc,
                             float[] buf) {
        for (int p = p0; p < p1; p++) {
            int j0 = p * nr;
            int cols = Math.min(nr, n - j0);
            int base = (p - p0) * kc * nr;
            if (layout == Layout.NN) {
                for (int kk = 0; kk < kc; kk++) {
                    int dst = base + kk * nr;
                    System.arraycopy(b, bOff + (pc + kk) * ldb + j0, buf, dst, cols);
                    if (cols < nr) {
                        java.util.Arrays.fill(buf, dst + cols, dst + nr, 0f);
                    }
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (j0 + j) * ldb + pc;
                    for (int kk = 0; kk < kc; kk++) {
                        buf[base + kk * nr + j] = b[src + kk];
                    }
                }
                if (cols < nr) {
                    for (int kk = 0; kk < kc; kk++) {
                        java.util.Arrays.fill(buf, base + kk * nr + cols, base + (kk + 1) * nr, 0f);
                    }
                }
            }
        }
    }

    private static float[] packBuffer(int size) {
        float[] buf = PACK_BUFFER.get();
        if (buf == null || buf.length < size) {
            buf = new float[size];
            PACK_BUFFER.set(buf);
        }
        return buf;
    }
}
