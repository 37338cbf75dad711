package io.clip4j.text.spm;

import java.util.Arrays;

/**
 * Unigram segmentation: the highest-scoring path through the lattice of pieces, as
 * {@code unigram::Model::EncodeOptimized} computes it.
 *
 * <p>The best path ending at each byte position is found left to right. Candidates are visited in the
 * library's order (start position ascending, then piece length ascending) and only a strictly better score
 * replaces a stored one, so ties resolve as in C++. Piece scores are added in double precision and stored as
 * float, because the C++ expression mixes a {@code double} user-defined bonus into the same operand; the
 * unknown-piece score is added in float. A character that starts no single-character piece gets an unknown
 * node scored {@code min score - 10}. User-defined pieces score {@code length * max score - 0.1}, where the
 * max starts at FLT_MIN, as in the library.
 */
final class UnigramSegmenter implements Segmenter {

    private static final float UNK_PENALTY = 10.0f;

    private final Vocabulary vocab;
    private final float minScore;
    private final float maxScore;

    UnigramSegmenter(Vocabulary vocab) {
        this.vocab = vocab;
        float min = Float.MAX_VALUE;
        float max = Float.MIN_NORMAL; // FLT_MIN in C++ is the smallest normal float, not the most negative one
        for (int i = 0; i < vocab.size(); i++) {
            if (vocab.types[i] == PieceType.NORMAL) {
                min = Math.min(min, vocab.scores[i]);
                max = Math.max(max, vocab.scores[i]);
            }
        }
        this.minScore = min;
        this.maxScore = max;
    }

    @Override
    public Segments segment(byte[] s) {
        int size = s.length;
        Segments out = new Segments();
        if (size == 0) {
            return out;
        }
        float unkScore = minScore - UNK_PENALTY;
        float[] bestScore = new float[size + 1];
        int[] startsAt = new int[size + 1];
        int[] bestId = new int[size + 1];
        Arrays.fill(startsAt, -1);
        Arrays.fill(bestId, -1);
        PieceTrie trie = vocab.normalPieces;
        int start = 0;
        while (start < size) {
            float scoreTillHere = bestScore[start];
            boolean hasSingleNode = false;
            int mblen = Math.min(Utf8.oneCharLen(s[start]), size - start);
            int node = PieceTrie.ROOT;
            for (int pos = start; pos < size; ) {
                node = trie.child(node, s[pos]);
                pos++;
                if (node < 0) {
                    break;
                }
                int id = trie.value(node);
                if (id < 0 || vocab.isUnused(id)) {
                    continue;
                }
                int length = pos - start;
                double score = vocab.types[id] == PieceType.USER_DEFINED
                        ? (double) ((float) length * maxScore) - 0.1
                        : vocab.scores[id];
                double candidate = score + scoreTillHere;
                if (startsAt[pos] == -1 || candidate > bestScore[pos]) {
                    bestScore[pos] = (float) candidate;
                    startsAt[pos] = start;
                    bestId[pos] = id;
                }
                if (!hasSingleNode && length == mblen) {
                    hasSingleNode = true;
                }
            }
            if (!hasSingleNode) {
                int end = start + mblen;
                float candidate = unkScore + scoreTillHere;
                if (startsAt[end] == -1 || candidate > bestScore[end]) {
                    bestScore[end] = candidate;
                    startsAt[end] = start;
                    bestId[end] = vocab.unkId;
                }
            }
            start += mblen;
        }
        for (int end = size; end > 0; end = startsAt[end]) {
            out.add(startsAt[end], end, bestId[end]);
        }
        out.reverse();
        return out;
    }
}
