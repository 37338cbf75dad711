package io.clip4j.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A byte-level BPE vocabulary and merge list with the merge procedure of OpenAI's
 * {@code simple_tokenizer.bpe}, made fast for long words without changing its results.
 *
 * <p>The reference repeatedly takes the lowest-ranked adjacent pair and merges all its
 * non-overlapping occurrences left to right, which costs O(n²) on a long word. Here the pairs live
 * in a priority queue keyed by (rank, position) over a linked list of symbols: all entries of the
 * lowest rank are merged in position order in one round (entries made stale by an earlier merge
 * are skipped), and the pairs a merge creates are queued for later rounds. A rank identifies one
 * pair of symbols, and a merge can never recreate the pair being merged, so each round does exactly
 * what one iteration of the reference loop does, in O(n log n) overall.
 *
 * <p>Instances are immutable apart from a bounded, thread-safe cache of encoded words.
 */
final class BpeModel {

    /** The suffix the reference appends to the last symbol of every word. */
    static final String END_OF_WORD = "</w>";

    private static final int CACHE_LIMIT = 50_000;
    private static final int CACHEABLE_WORD_LENGTH = 256;

    /** The reference's byte-to-character mapping, so that BPE symbols are printable strings. */
    static final char[] BYTE_TO_CHAR = bytesToUnicode();

    private final Map<String, Integer> encoder;
    private final Map<Integer, String> decoder = new HashMap<>();
    /** Every symbol the merges can produce, interned; ids are indexes into {@link #symbols}. */
    private final Map<String, Integer> symbolIds = new HashMap<>();
    private final List<String> symbols = new ArrayList<>();
    private final LongLongMap merges = new LongLongMap();
    private final int[] byteSymbol = new int[256];
    private final int[] byteEndSymbol = new int[256];
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param encoder token to id
     * @param mergePairs the merges in rank order, each a pair of symbols (a later duplicate of a pair
     *     takes over its rank, as in the reference's dict)
     */
    BpeModel(Map<String, Integer> encoder, List<String[]> mergePairs) {
        this.encoder = Map.copyOf(encoder);
        encoder.forEach((token, id) -> decoder.put(id, token));
        for (int b = 0; b < 256; b++) {
            String c = String.valueOf(BYTE_TO_CHAR[b]);
            byteSymbol[b] = intern(c);
            byteEndSymbol[b] = intern(c + END_OF_WORD);
        }
        for (int rank = 0; rank < mergePairs.size(); rank++) {
            String[] pair = mergePairs.get(rank);
            long key = pairKey(intern(pair[0]), intern(pair[1]));
            merges.put(key, ((long) rank << 32) | intern(pair[0] + pair[1]));
        }
    }

    private int intern(String symbol) {
        Integer id = symbolIds.get(symbol);
        if (id == null) {
            id = symbols.size();
            symbols.add(symbol);
            symbolIds.put(symbol, id);
        }
        return id;
    }

    /** The id of a token, or null when the vocabulary does not have it. */
    Integer id(String token) {
        return encoder.get(token);
    }

    /** The token of an id, or null. */
    String token(int id) {
        return decoder.get(id);
    }

    int vocabSize() {
        return encoder.size();
    }

    /**
     * The ids of one pre-tokenized word, given as its UTF-8 bytes.
     *
     * @throws IllegalStateException if the merges produce a symbol that the vocabulary lacks
     */
    int[] encodeWord(byte[] utf8) {
        String key = null;
        if (utf8.length <= CACHEABLE_WORD_LENGTH) {
            key = new String(utf8, StandardCharsets.ISO_8859_1);
            int[] cached = cache.get(key);
            if (cached != null) {
                return cached;
            }
        }
        int[] ids = toIds(merge(utf8));
        if (key != null) {
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(key, ids);
        }
        return ids;
    }

    private int[] toIds(int[] symbolSequence) {
        int[] ids = new int[symbolSequence.length];
        for (int i = 0; i < ids.length; i++) {
            String symbol = symbols.get(symbolSequence[i]);
            Integer id = encoder.get(symbol);
            if (id == null) {
                throw new IllegalStateException("BPE produced the token '" + symbol + "', which is not in the vocabulary");
            }
            ids[i] = id;
        }
        return ids;
    }

    /** The symbols of a word after all merges. */
    private int[] merge(byte[] utf8) {
        int n = utf8.length;
        if (n == 0) {
            return new int[0];
        }
        int[] sym = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        boolean[] dead = new boolean[n];
        for (int i = 0; i < n; i++) {
            int b = utf8[i] & 0xFF;
            sym[i] = i == n - 1 ? byteEndSymbol[b] : byteSymbol[b];
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            queuePair(heap, sym, i, i + 1);
        }
        int[] round = new int[n];
        while (!heap.isEmpty()) {
            long top = heap.poll();
            int rank = (int) (top >>> 32);
            int count = 0;
            round[count++] = (int) top;
            while (!heap.isEmpty() && (int) (heap.peek() >>> 32) == rank) {
                round[count++] = (int) heap.poll();
            }
            // Entries of one rank come out in position order; node indexes keep word order.
            for (int k = 0; k < count; k++) {
                int left = round[k];
                int right = dead[left] ? -1 : next[left];
                if (right < 0) {
                    continue;
                }
                long merged = merges.get(pairKey(sym[left], sym[right]));
                if (merged < 0 || (int) (merged >>> 32) != rank) {
                    continue; // stale: this pair was changed by an earlier merge of the round
                }
                sym[left] = (int) merged;
                dead[right] = true;
                next[left] = next[right];
                if (next[right] >= 0) {
                    prev[next[right]] = left;
                }
                if (prev[left] >= 0) {
                    queuePair(heap, sym, prev[left], left);
                }
                if (next[left] >= 0) {
                    queuePair(heap, sym, left, next[left]);
                }
            }
        }
        int[] out = new int[n];
        int count = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            out[count++] = sym[i];
        }
        return Arrays.copyOf(out, count);
    }

    private void queuePair(LongHeap heap, int[] sym, int left, int right) {
        long merged = merges.get(pairKey(sym[left], sym[right]));
        if (merged >= 0) {
            heap.add((merged & 0xFFFF_FFFF_0000_0000L) | left);
        }
    }

    private static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFF_FFFFL);
    }

    /**
     * The reference's {@code bytes_to_unicode}: printable Latin-1 bytes map to themselves, the others
     * to U+0100 and up, in byte order.
     */
    private static char[] bytesToUnicode() {
        char[] map = new char[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            printable[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            printable[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            printable[b] = true;
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            map[b] = printable[b] ? (char) b : (char) (256 + n++);
        }
        return map;
    }

    /** The order in which the reference lists the byte characters in its vocabulary. */
    static List<String> byteCharsInVocabularyOrder() {
        List<String> chars = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            if (BYTE_TO_CHAR[b] == b) {
                chars.add(String.valueOf(BYTE_TO_CHAR[b]));
            }
        }
        for (int b = 0; b < 256; b++) {
            if (BYTE_TO_CHAR[b] != b) {
                chars.add(String.valueOf(BYTE_TO_CHAR[b]));
            }
        }
        return chars;
    }

    /** A minimal binary min-heap of longs. */
    private static final class LongHeap {
        private long[] data;
        private int size;

        LongHeap(int capacity) {
            data = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        long peek() {
            return data[0];
        }

        void add(long v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (data[parent] <= v) {
                    break;
                }
                data[i] = data[parent];
                i = parent;
            }
            data[i] = v;
        }

        long poll() {
            long top = data[0];
            long last = data[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && data[child + 1] < data[child]) {
                    child++;
                }
                if (data[child] >= last) {
                    break;
                }
                data[i] = data[child];
                i = child;
            }
            if (size > 0) {
                data[i] = last;
            }
            return top;
        }
    }

    /** An open-addressing map from non-negative-valued long keys to long values (-1 when absent). */
    private static final class LongLongMap {
        private long[] keys = new long[1 << 16];
        private long[] values = new long[1 << 16];
        private boolean[] used = new boolean[1 << 16];
        private int size;

        long get(long key) {
            int mask = keys.length - 1;
            for (int i = hash(key) & mask; used[i]; i = (i + 1) & mask) {
                if (keys[i] == key) {
                    return values[i];
                }
            }
            return -1;
        }

        void put(long key, long value) {
            if ((size + 1) * 2 > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int i = hash(key) & mask;
            while (used[i] && keys[i] != key) {
                i = (i + 1) & mask;
            }
            if (!used[i]) {
                used[i] = true;
                size++;
            }
            keys[i] = key;
            values[i] = value;
        }

        private void grow() {
            long[] oldKeys = keys;
            long[] oldValues = values;
            boolean[] oldUsed = used;
            keys = new long[oldKeys.length * 2];
            values = new long[oldKeys.length * 2];
            used = new boolean[oldKeys.length * 2];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldUsed[i]) {
                    put(oldKeys[i], oldValues[i]);
                }
            }
        }

        private static int hash(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }
    }
}
