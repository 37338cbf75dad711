package io.clip4j.text.spm;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * BPE segmentation as {@code bpe::Model::SampleEncode} does it without dropout.
 *
 * <p>The text starts as characters (a user-defined symbol is one frozen symbol). Every adjacent pair whose
 * concatenation is a piece goes into a queue ordered by the piece's score, ties to the leftmost; the best
 * pair is merged and its new neighbours queued, stale entries being skipped when popped. A merged piece of
 * type UNUSED is finally split back into the two symbols it was last queued from, recursively.
 */
final class BpeSegmenter implements Segmenter {

    private final Vocabulary vocab;

    BpeSegmenter(Vocabulary vocab) {
        this.vocab = vocab;
    }

    private record Pair(int left, int right, float score, int size) {}

    @Override
    public Segments segment(byte[] s) {
        int n = s.length;
        Segments out = new Segments();
        if (n == 0) {
            return out;
        }
        // Symbols as a linked list over their start offsets; len 0 marks a symbol merged into its left neighbour.
        int[] start = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] frozen = new boolean[n];
        int count = 0;
        for (int pos = 0; pos < n; count++) {
            int userLen = vocab.userDefined == null ? 0 : vocab.userDefined.longestPrefix(s, pos, n);
            int mblen = userLen > 0 ? userLen : Math.min(Utf8.oneCharLen(s[pos]), n - pos);
            start[count] = pos;
            len[count] = mblen;
            frozen[count] = userLen > 0;
            prev[count] = count - 1;
            pos += mblen;
            next[count] = pos < n ? count + 1 : -1;
        }

        // Plain float comparisons (not Float.compare) so that 0.0 and -0.0 tie, as in C++.
        PriorityQueue<Pair> agenda = new PriorityQueue<>((a, b) -> {
            if (a.score > b.score) {
                return -1;
            }
            if (a.score < b.score) {
                return 1;
            }
            return Integer.compare(a.left, b.left);
        });
        // Merged piece id -> byte length of its left part, overwritten each time such a pair is queued.
        Map<Integer, Integer> revMerge = new HashMap<>();
        for (int i = 1; i < count; i++) {
            maybeAddPair(i - 1, i, s, start, len, frozen, agenda, revMerge);
        }
        while (!agenda.isEmpty()) {
            Pair top = agenda.poll();
            if (len[top.left] == 0 || len[top.right] == 0 || len[top.left] + len[top.right] != top.size) {
                continue;
            }
            len[top.left] += len[top.right];
            next[top.left] = next[top.right];
            if (next[top.right] >= 0) {
                prev[next[top.right]] = top.left;
            }
            len[top.right] = 0;
            maybeAddPair(prev[top.left], top.left, s, start, len, frozen, agenda, revMerge);
            maybeAddPair(top.left, next[top.left], s, start, len, frozen, agenda, revMerge);
        }
        for (int i = 0; i != -1; i = next[i]) {
            resegment(s, start[i], start[i] + len[i], revMerge, out);
        }
        return out;
    }

    private void maybeAddPair(int left, int right, byte[] s, int[] start, int[] len, boolean[] frozen,
                              PriorityQueue<Pair> agenda, Map<Integer, Integer> revMerge) {
        if (left == -1 || right == -1 || frozen[left] || frozen[right]) {
            return;
        }
        int size = len[left] + len[right];
        int id = vocab.normalPieces.exactMatch(s, start[left], size);
        if (id < 0) {
            return;
        }
        agenda.add(new Pair(left, right, vocab.scores[id], size));
        if (vocab.isUnused(id)) {
            revMerge.put(id, len[left]);
        }
    }

    private void resegment(byte[] s, int from, int to, Map<Integer, Integer> revMerge, Segments out) {
        int id = vocab.pieceToId(s, from, to - from);
        Integer split = vocab.isUnused(id) ? revMerge.get(id) : null;
        if (split == null) {
            out.add(from, to, id);
            return;
        }
        resegment(s, from, from + split, revMerge, out);
        resegment(s, from + split, to, revMerge, out);
    }
}
