package io.clip4j.text.spm;

/**
 * Word segmentation ({@code word::Model}): the normalized text split before each U+2581 (or after it when
 * whitespace is a suffix), each word looked up whole ({@code SplitIntoWords}).
 */
final class WordSegmenter implements Segmenter {

    private final Vocabulary vocab;
    private final boolean treatWhitespaceAsSuffix;
    private final boolean allowWhitespaceOnlyPieces;

    WordSegmenter(Vocabulary vocab, boolean treatWhitespaceAsSuffix, boolean allowWhitespaceOnlyPieces) {
        this.vocab = vocab;
        this.treatWhitespaceAsSuffix = treatWhitespaceAsSuffix;
        this.allowWhitespaceOnlyPieces = allowWhitespaceOnlyPieces;
    }

    @Override
    public Segments segment(byte[] s) {
        Segments words = treatWhitespaceAsSuffix ? splitSuffix(s) : splitPrefix(s);
        Segments out = new Segments();
        for (int i = 0; i < words.size(); i++) {
            int from = words.start(i);
            int to = words.end(i);
            out.add(from, to, vocab.pieceToId(s, from, to - from));
        }
        return out;
    }

    private Segments splitPrefix(byte[] s) {
        Segments words = new Segments();
        boolean inWhitespace = false;
        for (int pos = 0; pos < s.length; ) {
            int mblen = Math.min(Utf8.oneCharLen(s[pos]), s.length - pos);
            boolean isWs = isSpaceSymbol(s, pos, mblen);
            if (pos == 0 || (isWs && (!inWhitespace || !allowWhitespaceOnlyPieces))) {
                words.add(pos, pos, -1);
                inWhitespace = true;
            }
            if (inWhitespace && !isWs) {
                inWhitespace = false;
            }
            pos += mblen;
            words.extendLast(pos);
        }
        return words;
    }

    private Segments splitSuffix(byte[] s) {
        Segments words = new Segments();
        if (s.length > 0) {
            words.add(0, 0, -1);
        }
        boolean inWhitespace = false;
        for (int pos = 0; pos < s.length; ) {
            int mblen = Math.min(Utf8.oneCharLen(s[pos]), s.length - pos);
            boolean isWs = isSpaceSymbol(s, pos, mblen);
            if (isWs) {
                inWhitespace = true;
            } else if (inWhitespace) {
                if (allowWhitespaceOnlyPieces) {
                    words.add(pos, pos, -1);
                }
                inWhitespace = false;
            }
            pos += mblen;
            words.extendLast(pos);
            if (pos < s.length && isWs && !allowWhitespaceOnlyPieces) {
                words.add(pos, pos, -1);
            }
        }
        return words;
    }

    private static boolean isSpaceSymbol(byte[] s, int pos, int len) {
        return len == 3 && s[pos] == Normalizer.SPACE_SYMBOL[0] && s[pos + 1] == Normalizer.SPACE_SYMBOL[1]
                && s[pos + 2] == Normalizer.SPACE_SYMBOL[2];
    }
}
