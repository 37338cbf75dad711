package io.clip4j.text.spm;

import java.util.Arrays;

/**
 * An immutable byte trie from pieces (UTF-8) to ids.
 *
 * <p>Nodes are numbered so that the children of a node are consecutive and sorted by label; a node stores
 * its incoming label, its value (-1 if no piece ends there), its first child and its child count. Walking it
 * byte by byte enumerates the pieces that start at a position in increasing length, which is the order the
 * C++ library's darts-clone trie gives and on which Viterbi tie-breaking depends.
 */
final class PieceTrie {

    static final int ROOT = 0;

    private final byte[] labels;
    private final int[] values;
    private final int[] firstChild;
    private final int[] childCount;

    private PieceTrie(byte[] labels, int[] values, int[] firstChild, int[] childCount) {
        this.labels = labels;
        this.values = values;
        this.firstChild = firstChild;
        this.childCount = childCount;
    }

    /** Thrown by {@link #build} when two keys are equal. */
    static final class DuplicateKeyException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final int id;

        DuplicateKeyException(int id) {
            super("duplicate key (value " + id + ")");
            this.id = id;
        }
    }

    /**
     * Builds a trie; {@code keys} must be non-empty byte strings, {@code ids[i]} is the value of key i.
     *
     * @throws DuplicateKeyException if two keys are equal (naming the value of the later one)
     */
    static PieceTrie build(byte[][] keys, int[] ids) {
        int n = keys.length;
        int[] order = new int[n];
        long totalBytes = 1;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            totalBytes += keys[i].length;
        }
        sortUnsigned(order, keys);
        byte[][] sorted = new byte[n][];
        int[] sortedIds = new int[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = keys[order[i]];
            sortedIds[i] = ids[order[i]];
            if (i > 0 && Arrays.equals(sorted[i], sorted[i - 1])) {
                throw new DuplicateKeyException(Math.max(sortedIds[i], sortedIds[i - 1]));
            }
        }

        // Every node but the root consumes at least one key byte, so the total key length bounds the node count.
        int capacity = (int) Math.min(totalBytes, Integer.MAX_VALUE - 8);
        byte[] labels = new byte[capacity];
        int[] values = new int[capacity];
        int[] firstChild = new int[capacity];
        int[] childCount = new int[capacity];
        Arrays.fill(values, -1);
        // Pending nodes, breadth first: until a node is expanded, firstChild/childCount hold the range
        // [lo, hi) of the sorted keys below it, and depth its depth.
        int[] depth = new int[capacity];
        firstChild[0] = 0;
        childCount[0] = n;
        int nodes = 1;
        for (int node = 0; node < nodes; node++) {
            int lo = firstChild[node];
            int hi = childCount[node];
            int d = depth[node];
            if (lo < hi && sorted[lo].length == d) {
                // Sorted order puts the key that ends here first among the keys sharing this prefix.
                values[node] = sortedIds[lo];
                lo++;
            }
            firstChild[node] = nodes;
            int count = 0;
            while (lo < hi) {
                byte label = sorted[lo][d];
                int end = lo + 1;
                while (end < hi && sorted[end][d] == label) {
                    end++;
                }
                labels[nodes] = label;
                firstChild[nodes] = lo;
                childCount[nodes] = end;
                depth[nodes] = d + 1;
                nodes++;
                count++;
                lo = end;
            }
            childCount[node] = count;
        }
        return new PieceTrie(Arrays.copyOf(labels, nodes), Arrays.copyOf(values, nodes),
                Arrays.copyOf(firstChild, nodes), Arrays.copyOf(childCount, nodes));
    }

    /** The child of {@code node} along byte {@code b}, or -1. */
    int child(int node, byte b) {
        int lo = firstChild[node];
        int hi = lo + childCount[node] - 1;
        int key = b & 0xFF;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int label = labels[mid] & 0xFF;
            if (label < key) {
                lo = mid + 1;
            } else if (label > key) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** The id of the piece ending at {@code node}, or -1. */
    int value(int node) {
        return values[node];
    }

    /** The id of the piece {@code s[off, off + len)}, or -1. */
    int exactMatch(byte[] s, int off, int len) {
        int node = ROOT;
        for (int i = off; i < off + len; i++) {
            node = child(node, s[i]);
            if (node < 0) {
                return -1;
            }
        }
        return values[node];
    }

    /** The byte length of the longest piece that is a prefix of {@code s[from, to)}, or 0. */
    int longestPrefix(byte[] s, int from, int to) {
        int node = ROOT;
        int best = 0;
        for (int i = from; i < to; i++) {
            node = child(node, s[i]);
            if (node < 0) {
                break;
            }
            if (values[node] >= 0) {
                best = i + 1 - from;
            }
        }
        return best;
    }

    /**
     * Sorts {@code order} (indices into {@code keys}) by unsigned lexicographic key order: a multikey
     * (three-way radix) quicksort, iterative so that no input can exhaust the stack.
     */
    private static void sortUnsigned(int[] order, byte[][] keys) {
        int[] stack = new int[96];
        int top = 0;
        stack[top++] = 0;
        stack[top++] = order.length;
        stack[top++] = 0;
        while (top > 0) {
            int d = stack[--top];
            int hi = stack[--top];
            int lo = stack[--top];
            if (hi - lo < 12) {
                insertionSort(order, lo, hi, d, keys);
                continue;
            }
            int pivot = byteAt(keys[order[lo + (hi - lo) / 2]], d);
            int lt = lo;
            int gt = hi - 1;
            for (int i = lo; i <= gt; ) {
                int c = byteAt(keys[order[i]], d);
                if (c < pivot) {
                    swap(order, lt++, i++);
                } else if (c > pivot) {
                    swap(order, i, gt--);
                } else {
                    i++;
                }
            }
            if (top + 9 > stack.length) {
                stack = Arrays.copyOf(stack, stack.length * 2);
            }
            stack[top++] = lo;
            stack[top++] = lt;
            stack[top++] = d;
            stack[top++] = gt + 1;
            stack[top++] = hi;
            stack[top++] = d;
            if (pivot >= 0) {
                // Keys equal up to and including byte d: continue with the next byte.
                stack[top++] = lt;
                stack[top++] = gt + 1;
                stack[top++] = d + 1;
            }
        }
    }

    private static void insertionSort(int[] order, int lo, int hi, int d, byte[][] keys) {
        for (int i = lo + 1; i < hi; i++) {
            int x = order[i];
            byte[] key = keys[x];
            int j = i - 1;
            while (j >= lo && Arrays.compareUnsigned(keys[order[j]], d, keys[order[j]].length, key, d, key.length) > 0) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = x;
        }
    }

    // The byte at depth d (0..255), or -1 past the end so that a prefix sorts before its extensions.
    private static int byteAt(byte[] key, int d) {
        return d < key.length ? key[d] & 0xFF : -1;
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
