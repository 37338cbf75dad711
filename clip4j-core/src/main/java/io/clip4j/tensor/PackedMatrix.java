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

    /**
     * The default panel width for a matrix of {@code n} rows. A native BLAS takes panels of width 1, i.e.
     * {@code W} row-major as stored (it is called with {@code transB}), so packing for it is a plain copy;
     * a single panel as wide as the matrix ({@code W^T}) is accepted as well.
     */
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
        float[] d = allocate(n, k, nr);
        pack(n, k, nr, d, true, (r0, g, buf) -> {
            if (nr == 1) {
                System.arraycopy(w, off + r0 * k, d, r0 * k, g * k);
            } else {
                transposeGroup(w, off + r0 * k, g, k, d, base(r0, k, nr), nr);
            }
        });
        return new PackedMatrix(d, n, k, nr);
    }

    /** How the values of a stored matrix are encoded (little-endian, as checkpoints store them). */
    public enum Encoding {
        F32(4), F16(2), BF16(2);

        private final int bytes;

        Encoding(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per value. */
        public int bytes() {
            return bytes;
        }
    }

    /**
     * Packs a little-endian float32 matrix {@code [n, k]} stored row-major in {@code bytes} (a tensor of a
     * memory-mapped checkpoint) for the default kernels, reading each row once.
     */
    public static PackedMatrix ofRows(MemorySegment bytes, int n, int k) {
        return ofStackedRows(new MemorySegment[]{bytes}, new int[]{n}, k);
    }

    /**
     * Packs the matrices {@code parts[i] [rows[i], k]} (little-endian float32, row-major, e.g. the separate
     * query, key and value projections of a checkpoint) stacked on top of each other as one matrix, for
     * the default kernels, with no row-major copy of the whole in between.
     */
    public static PackedMatrix ofStackedRows(MemorySegment[] parts, int[] rows, int k) {
        return ofStackedRows(parts, rows, k, Encoding.F32);
    }

    /**
     * As {@link #ofStackedRows(MemorySegment[], int[], int)} for values stored as {@code encoding}: half
     * precision is widened to float32 while packing (exactly, like {@code torch.Tensor.float()}), so no
     * float32 copy of the stored matrix is made.
     */
    public static PackedMatrix ofStackedRows(MemorySegment[] parts, int[] rows, int k, Encoding encoding) {
        return ofStackedRows(parts, rows, k, encoding, 0);
    }

    /** With panels of {@code panelWidth} columns ({@code 0}: the default kernels' width). */
    static PackedMatrix ofStackedRows(MemorySegment[] parts, int[] rows, int k, Encoding encoding, int panelWidth) {
        if (parts.length != rows.length) {
            throw new IllegalArgumentException(parts.length + " parts but " + rows.length + " row counts");
        }
        int n = 0;
        int[] first = new int[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            if (rows[i] < 0 || (long) rows[i] * k > parts[i].byteSize() / encoding.bytes()) {
                throw new IllegalArgumentException("cannot pack [" + rows[i] + ", " + k + "] from " + parts[i].byteSize()
                        + " bytes");
            }
            n = Math.addExact(n, rows[i]);
            first[i + 1] = n;
        }
        int nr = panelWidth > 0 ? panelWidth : panelWidthFor(n);
        checkSizes((long) n * k, n, k, nr);
        float[] d = allocate(n, k, nr);
        boolean shared = true;
        for (MemorySegment part : parts) {
            shared &= part.isAccessibleBy(NOT_AN_OWNER);
        }
        pack(n, k, nr, d, shared, (r0, g, buf) -> {
            // A group never straddles two parts: it is cut at their boundaries like at panel boundaries.
            int part = 0;
            while (first[part + 1] <= r0) {
                part++;
            }
            // One bulk copy of the group's rows, then the transposition from the copy: both are fast from
            // the first call on, where reading the mapped file value by value would run interpreted at first.
            long off = (long) encoding.bytes() * (r0 - first[part]) * k;
            int dst = base(r0, k, nr);
            if (nr == 1) { // row-major: the rows as they are
                copyRows(parts[part], off, encoding, d, r0 * k, g * k, buf);
                return;
            }
            switch (encoding) {
                case F32 -> {
                    MemorySegment.copy(parts[part], LE_FLOAT, off, buf.floats, 0, g * k);
                    transposeGroup(buf.floats, 0, g, k, d, dst, nr);
                }
                case F16 -> {
                    MemorySegment.copy(parts[part], LE_SHORT, off, buf.shorts, 0, g * k);
                    transposeGroupF16(buf.shorts, g, k, d, dst, nr);
                }
                case BF16 -> {
                    MemorySegment.copy(parts[part], LE_SHORT, off, buf.shorts, 0, g * k);
                    transposeGroupBf16(buf.shorts, g, k, d, dst, nr);
                }
            }
        }, first);
        return new PackedMatrix(d, n, k, nr);
    }

    /** Rows per group: each step of k then writes one contiguous run (a cache line) of the panel. */
    private static final int GROUP = 16;

    /** Fills a group of {@code g} rows starting at row {@code r0} (with per-thread scratch for one group). */
    @FunctionalInterface
    private interface GroupPacker {
        void pack(int r0, int g, GroupBuffer buf);
    }

    private static float[] allocate(int n, int k, int nr) {
        int panels = (n + nr - 1) / nr;
        return new float[Math.multiplyExact(Math.multiplyExact(panels, k), nr)];
    }

    /** Where row {@code r} of W starts in the packed array. */
    private static int base(int r, int k, int nr) {
        return (r / nr) * k * nr + r % nr;
    }

    private static void pack(int n, int k, int nr, float[] d, boolean parallel, GroupPacker packer) {
        pack(n, k, nr, d, parallel, packer, new int[]{0, n});
    }

    /** Never started: asks whether a segment is confined to the thread that made it (then no helper may read it). */
    private static final Thread NOT_AN_OWNER = new Thread(() -> {
    });

    /**
     * Runs {@code packer} over groups of at most {@link #GROUP} rows that straddle neither a panel boundary
     * nor one of {@code cuts}, spread over the compute threads: packing is most of the time it takes to
     * load a model, and each group is independent.
     */
    private static void pack(int n, int k, int nr, float[] d, boolean parallel, GroupPacker packer, int[] cuts) {
        if (n == 0 || k == 0) {
            return;
        }
        // Blocks of rows handed out as tasks: whole panels, or 64 rows of a single wide panel.
        int block = Math.min(nr, 64);
        int blocks = (n + block - 1) / block;
        long work = (long) n * k;
        int tasks = !parallel || work < (1 << 16) ? 1 : Math.min(blocks, 4 * Parallel.threads());
        Parallel.forRange(tasks, t -> {
            int b0 = (int) ((long) blocks * t / tasks);
            int b1 = (int) ((long) blocks * (t + 1) / tasks);
            int end = Math.min(n, b1 * block);
            GroupBuffer buf = GroupBuffer.get(k);
            int cut = 0;
            for (int r0 = b0 * block; r0 < end; ) {
                while (cuts[cut + 1] <= r0) {
                    cut++;
                }
                int limit = Math.min(Math.min(end, cuts[cut + 1]), nr == 1 ? end : (r0 / nr + 1) * nr);
                int g = Math.min(GROUP, limit - r0);
                packer.pack(r0, g, buf);
                r0 += g;
            }
        });
    }

    /** {@code d[dst + kk * nr + j] = src[srcOff + j * k + kk]} for {@code j < g}, {@code kk < k}. */
    private static void transposeGroup(float[] src, int srcOff, int g, int k, float[] d, int dst, int nr) {
        for (int kk = 0; kk < k; kk++) {
            int o = dst + kk * nr;
            for (int j = 0; j < g; j++) {
                d[o + j] = src[srcOff + j * k + kk];
            }
        }
    }

    /** {@code count} values from byte {@code off} of {@code src} to {@code d[dst ...]}, widened to float32. */
    private static void copyRows(MemorySegment src, long off, Encoding encoding, float[] d, int dst, int count,
                                 GroupBuffer buf) {
        if (encoding == Encoding.F32) {
            MemorySegment.copy(src, LE_FLOAT, off, d, dst, count);
            return;
        }
        MemorySegment.copy(src, LE_SHORT, off, buf.shorts, 0, count);
        short[] h = buf.shorts;
        if (encoding == Encoding.F16) {
            for (int i = 0; i < count; i++) {
                d[dst + i] = Float.float16ToFloat(h[i]);
            }
        } else {
            for (int i = 0; i < count; i++) {
                d[dst + i] = Float.intBitsToFloat((h[i] & 0xffff) << 16);
            }
        }
    }

    /** As {@link #transposeGroup} from IEEE half precision bits, widened exactly. */
    private static void transposeGroupF16(short[] src, int g, int k, float[] d, int dst, int nr) {
        for (int kk = 0; kk < k; kk++) {
            int o = dst + kk * nr;
            for (int j = 0; j < g; j++) {
                d[o + j] = Float.float16ToFloat(src[j * k + kk]);
            }
        }
    }

    /** As {@link #transposeGroup} from bfloat16 bits (the upper half of a float). */
    private static void transposeGroupBf16(short[] src, int g, int k, float[] d, int dst, int nr) {
        for (int kk = 0; kk < k; kk++) {
            int o = dst + kk * nr;
            for (int j = 0; j < g; j++) {
                d[o + j] = Float.intBitsToFloat((src[j * k + kk] & 0xffff) << 16);
            }
        }
    }

    /** Scratch for one group read from a mapped file, per thread (a few hundred KiB at most, kept for the next load). */
    private static final class GroupBuffer {
        private static final ThreadLocal<GroupBuffer> CACHE = new ThreadLocal<>();

        final float[] floats;
        final short[] shorts;

        private GroupBuffer(int k) {
            floats = new float[GROUP * k];
            shorts = new short[GROUP * k];
        }

        static GroupBuffer get(int k) {
            GroupBuffer b = CACHE.get();
            if (b == null || b.floats.length < GROUP * k) {
                b = new GroupBuffer(k);
                CACHE.set(b);
            }
            return b;
        }
    }

    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Packs the transpose of {@code p [k, n]} row-major, i.e. the weight of {@code x @ P} (OpenAI's
     * {@code proj} and {@code text_projection}), for the default kernels.
     */
    public static PackedMatrix ofColumns(float[] p, int k, int n) {
        int nr = panelWidthFor(n);
        checkSizes(p.length, n, k, nr);
        int panels = (n + nr - 1) / nr;
        float[] d = new float[Math.multiplyExact(Math.multiplyExact(panels, k), nr)];
        if (nr == 1) { // row-major W = P^T
            for (int kk = 0; kk < k; kk++) {
                for (int q = 0; q < n; q++) {
                    d[q * k + kk] = p[kk * n + q];
                }
            }
            return new PackedMatrix(d, n, k, nr);
        }
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
