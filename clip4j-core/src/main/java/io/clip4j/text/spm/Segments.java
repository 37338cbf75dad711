package io.clip4j.text.spm;

import java.util.Arrays;

/** A growable list of pieces of a normalized string: byte range {@code [start, end)} and vocabulary id. */
final class Segments {
    private int[] data = new int[3 * 16];
    private int size;

    void add(int start, int end, int id) {
        if (3 * size + 3 > data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[3 * size] = start;
        data[3 * size + 1] = end;
        data[3 * size + 2] = id;
        size++;
    }

    /** Extends the last piece to {@code end}. */
    void extendLast(int end) {
        data[3 * size - 2] = end;
    }

    int size() {
        return size;
    }

    int start(int i) {
        return data[3 * i];
    }

    int end(int i) {
        return data[3 * i + 1];
    }

    int id(int i) {
        return data[3 * i + 2];
    }

    /** Reverses the order of the pieces (for algorithms that backtrack). */
    void reverse() {
        for (int i = 0, j = size - 1; i < j; i++, j--) {
            for (int k = 0; k < 3; k++) {
                int t = data[3 * i + k];
                data[3 * i + k] = data[3 * j + k];
                data[3 * j + k] = t;
            }
        }
    }
}
