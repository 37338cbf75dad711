package io.clip4j.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable set of Unicode code points, stored as sorted inclusive ranges.
 *
 * <p>Membership of BMP code points is answered from a bitmap (the hot path of the tokenizer); the
 * rest by binary search over the ranges.
 */
final class CodePointSet {

    private static final int BMP = 0x10000;

    private final int[] starts;
    private final int[] ends;
    private final long[] bmpBits = new long[BMP / 64];

    private CodePointSet(int[] starts, int[] ends) {
        this.starts = starts;
        this.ends = ends;
        for (int i = 0; i < starts.length; i++) {
            int to = Math.min(ends[i], BMP - 1);
            for (int cp = starts[i]; cp <= to; cp++) {
                bmpBits[cp >>> 6] |= 1L << cp;
            }
        }
    }

    /** Parses whitespace-separated hex items, each {@code HEX} or {@code HEX-HEX}, in any order. */
    static CodePointSet parse(String items) {
        List<int[]> ranges = new ArrayList<>();
        for (String item : items.trim().split("\\s+")) {
            if (item.isEmpty()) {
                continue;
            }
            int dash = item.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? item : item.substring(0, dash), 16);
            int to = dash < 0 ? from : Integer.parseInt(item.substring(dash + 1), 16);
            if (to < from) {
                throw new IllegalArgumentException("empty code point range: " + item);
            }
            ranges.add(new int[] {from, to});
        }
        return merge(ranges);
    }

    /** A set of the given code points (any order, duplicates allowed). */
    static CodePointSet of(int... codePoints) {
        List<int[]> ranges = new ArrayList<>();
        for (int cp : codePoints) {
            ranges.add(new int[] {cp, cp});
        }
        return merge(ranges);
    }

    private static CodePointSet merge(List<int[]> unsorted) {
        List<int[]> sorted = new ArrayList<>(unsorted);
        sorted.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> ranges = new ArrayList<>();
        for (int[] r : sorted) {
            if (!ranges.isEmpty() && r[0] <= ranges.getLast()[1] + 1) {
                ranges.getLast()[1] = Math.max(ranges.getLast()[1], r[1]);
            } else {
                ranges.add(new int[] {r[0], r[1]});
            }
        }
        return fromRanges(ranges);
    }

    private static CodePointSet fromRanges(List<int[]> ranges) {
        int[] s = new int[ranges.size()];
        int[] e = new int[ranges.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = ranges.get(i)[0];
            e[i] = ranges.get(i)[1];
        }
        return new CodePointSet(s, e);
    }

    boolean contains(int cp) {
        if (cp >= 0 && cp < BMP) {
            return (bmpBits[cp >>> 6] & (1L << cp)) != 0;
        }
        int i = Arrays.binarySearch(starts, cp);
        if (i >= 0) {
            return true;
        }
        int prev = -i - 2;
        return prev >= 0 && cp <= ends[prev];
    }

    /**
     * The set as the body of a {@link java.util.regex.Pattern} character class (without the
     * brackets), every code point written as {@code \x{...}} so that no character is special.
     */
    String regexClassBody() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < starts.length; i++) {
            sb.append("\\x{").append(Integer.toHexString(starts[i])).append('}');
            if (ends[i] != starts[i]) {
                sb.append("-\\x{").append(Integer.toHexString(ends[i])).append('}');
            }
        }
        return sb.toString();
    }
}
