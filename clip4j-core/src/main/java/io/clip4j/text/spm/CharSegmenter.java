package io.clip4j.text.spm;

/** Character segmentation ({@code character::Model}): one piece per character or user-defined symbol. */
final class CharSegmenter implements Segmenter {

    private final Vocabulary vocab;

    CharSegmenter(Vocabulary vocab) {
        this.vocab = vocab;
    }

    @Override
    public Segments segment(byte[] s) {
        Segments out = new Segments();
        int n = s.length;
        for (int pos = 0; pos < n; ) {
            int userLen = vocab.userDefined == null ? 0 : vocab.userDefined.longestPrefix(s, pos, n);
            int len = userLen > 0 ? userLen : Math.min(Utf8.oneCharLen(s[pos]), n - pos);
            out.add(pos, pos + len, vocab.pieceToId(s, pos, len));
            pos += len;
        }
        return out;
    }
}
