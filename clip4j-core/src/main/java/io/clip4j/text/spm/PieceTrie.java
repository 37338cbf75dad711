package io.clip4j.text.spm;

import java.util.Arrays;
import java.util.Comparator;

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

    /** Builds a trie; {@code keys} must be non-empty, distinct byte strings, {@code ids[i]} is the value of key i. */
    static PieceTrie build(byte[][] keys, int[] ids) {
        int n = keys.length;
        Integer[] order = new Integer[n];
        long totalBytes = 1;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            totalBytes += keys[i].length;
        }
        Arrays.sort(order, Comparator.comparing((Integer i) -> keys[i], Arrays::compareUnsigned));
        byte[][] sorted = new byte[n][];
        int[] sortedIds = new int[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = keys[order[i]];
            sortedIds[i] = ids[order[i]];
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
}
