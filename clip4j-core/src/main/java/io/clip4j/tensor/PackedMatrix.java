package io.clip4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A matrix {@code W [n, k]} (PyTorch's {@code Linear} weight: one row per output feature) stored as the
 * right-hand operand of {@link Gemm}: column panels of {@code nr} output features, each panel
 * {@code k} steps of {@code nr} contiguous values, the last panel zero-padded:
 * {@code data[(panel * k + p) * nr + j] = W[panel * nr + j, p]}.
 *
 * <p>Packing once at load replaces the row-major copy (it is not kept beside it), and lets the
 * micro-kernel stream {@code B} with unit stride instead of transposing it on every call.
 */
public final class PackedMatrix {

    private final float[] data;
    private final int n;
    private final int k;
    private final int nr;

    private PackedMatrix(float[] data, int n, int k, int nr) {
        this.data = data;
        this.n = n;
        this.k = k;
        this.nr = nr;
    }

    /** The panel width of the kernels this JVM uses. */
    public static int defaultPanelWidth() {
        return Kernels.get().gemmKernel().nr();
    }

    /** The default panel width for a matrix of {@code n} rows: a native BLAS wants one panel, {@code W^T}. */
    static int panelWidthFor(int n) {
        int nr = defaultPanelWidth();
        return nr == Integer.MAX_VALUE ? Math.max(1, n) : nr;
    }

    /** Packs {@code w [n, k]} row-major (starting at {@code off}) for the default kernels. */
    public static PackedMatrix ofRows(float[] w, int off, int n, int k) {
        return ofRows(w, off, n, k, panelWidthFor(n));
    }

    /** Packs {@code w [n, k]} row-major with panels of {@code nr} columns. */
    public static PackedMatrix ofRows(float[] w, int off, int n, int k, int nr) {
        checkSizes(w.length - (long) off, n, k, nr);
        int panels = (n + nr - 1) / nr;
        float[] d = new float[Math.multiplyExact(Math.multiplyExact(panels, k), nr)];
        for (int p = 0; p < panels; p++) {
            int cols = Math.min(nr, n - p * nr);
            int base = p * k * nr;
            for (int j = 0; j < cols; j++) {
                int src = off + (p * nr + j) * k;
                for (int kk = 0; kk < k; kk++) {
                    d[base + kk * nr + j] = w[src + kk];
                }
            }
        }
        return new PackedMatrix(d, n, k, nr);
    }

    /**
     * Packs a little-endian float32 matrix {@code [n, k]} stored row-major in {@code bytes} (a tensor of a
     * memory-mapped checkpoint) for the default kernels, reading each row once.
     */
    public static PackedMatrix ofRows(MemorySegment bytes, int n, int k) {
        int nr = panelWidthFor(n);
        checkSizes(bytes.byteSize() / 4, n, k, nr);
        int panels = (n + nr - 1) / nr;
        float[] d = new float[Math.multiplyExact(Math.multiplyExact(panels, k), nr)];
        float[] row = new float[k];
        for (int r = 0; r < n; r++) {
            MemorySegment.copy(bytes, LE_FLOAT, 4L * r * k, row, 0, k);
            int base = (r / nr) * k * nr + r % nr;
            for (int kk = 0; kk < k; kk++) {
                d[base + kk * nr] = row[kk];
            }
        }
        return new PackedMatrix(d, n, k, nr);
    }

    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Packs the transpose of {@code p [k, n]} row-major, i.e. the weight of {@code x @ P} (OpenAI's
     * {@code proj} and {@code text_projection}), for the default kernels.
     */
    public static PackedMatrix ofColumns(float[] p, int k, int n) {
        int nr = panelWidthFor(n);
        checkSizes(p.length, n, k, nr);
        int panels = (n + nr - 1) / nr;
        float[] d = new float[Math.multiplyExact(Math.multiplyExact(panels, k), nr)];
        for (int q = 0; q < panels; q++) {
            int cols = Math.min(nr, n - q * nr);
            for (int kk = 0; kk < k; kk++) {
                System.arraycopy(p, kk * n + q * nr, d, (q * k + kk) * nr, cols);
            }
        }
        return new PackedMatrix(d, n, k, nr);
    }

    private static void checkSizes(long available, int n, int k, int nr) {
        if (n < 0 || k < 0 || nr <= 0 || (long) n * k > available) {
            throw new IllegalArgumentException("cannot pack a [" + n + ", " + k + "] matrix from " + available
                    + " values with panels of " + nr);
        }
    }

    /** Rows of the logical matrix (output features). */
    public int n() {
        return n;
    }

    /** Columns of the logical matrix (input features). */
    public int k() {
        return k;
    }

    /** Panel width. */
    public int nr() {
        return nr;
    }

    /** The packed values (shared, not a copy): the layout in the class comment. */
    float[] data() {
        return data;
    }

    /** {@code W[row, col]}. */
    public float get(int row, int col) {
        return data[((row / nr) * k + col) * nr + row % nr];
    }

    /** A new row-major copy {@code [n, k]}. */
    public float[] toRowMajor() {
        float[] w = new float[n * k];
        for (int r = 0; r < n; r++) {
            int base = (r / nr) * k * nr + r % nr;
            for (int c = 0; c < k; c++) {
                w[r * k + c] = data[base + c * nr];
            }
        }
        return w;
    }

    /** Rows {@code [from, to)} as a new packed matrix (copies). */
    public PackedMatrix rows(int from, int to) {
        if (from < 0 || to > n || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + n);
        }
        if (from % nr == 0) {
            int panels = (to - from + nr - 1) / nr;
            float[] d = new float[panels * k * nr];
            System.arraycopy(data, (from / nr) * k * nr, d, 0, d.length);
            if ((to - from) % nr != 0) { // clear the rows past the new edge in the last panel
                int last = (panels - 1) * k * nr;
                for (int kk = 0; kk < k; kk++) {
                    java.util.Arrays.fill(d, last + kk * nr + (to - from) % nr, last + (kk + 1) * nr, 0f);
                }
            }
            return new PackedMatrix(d, to - from, k, nr);
        }
        float[] w = toRowMajor();
        return ofRows(w, from * k, to - from, k, nr);
    }

    /** Bytes held. */
    public long byteSize() {
        return 4L * data.length;
    }
}
