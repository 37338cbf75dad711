package io.clip4j.text.spm;

import io.clip4j.weights.ModelFormatException;
import java.util.Arrays;

/**
 * SentencePiece's text normalizer ({@code normalizer.cc}), working on UTF-8 bytes.
 *
 * <p>The input is consumed prefix by prefix: a user-defined symbol is copied unchanged; otherwise the
 * longest rule of the precompiled charsmap (a darts-clone trie whose values point to NUL-terminated
 * replacements) is applied; otherwise one character is copied, a malformed byte becoming U+FFFD. Around
 * that come the spec's whitespace rules: leading, trailing and repeated spaces dropped, spaces escaped to
 * U+2581, and a dummy space prefix (or suffix when whitespace is treated as a suffix).
 */
final class Normalizer {

    /** U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's visible space. */
    static final byte[] SPACE_SYMBOL = {(byte) 0xE2, (byte) 0x96, (byte) 0x81};
    private static final byte[] SPACE = {' '};

    private final DoubleArray rules;
    private final byte[] replacements;
    private final PieceTrie userDefined;
    private final boolean addDummyPrefix;
    private final boolean removeExtraWhitespaces;
    private final boolean escapeWhitespaces;
    private final boolean treatWhitespaceAsSuffix;

    /**
     * @param userDefined the user-defined symbols, matched before any rule, or null
     * @throws ModelFormatException if the charsmap blob is malformed
     */
    Normalizer(ModelProto.Normalization spec, boolean treatWhitespaceAsSuffix, PieceTrie userDefined, String source) {
        byte[] blob = spec.precompiledCharsmap();
        if (blob.length == 0) {
            rules = null;
            replacements = new byte[0];
        } else {
            // <trie size: uint32 LE><trie units: uint32 LE each><replacement strings, NUL-terminated>
            if (blob.length <= 4) {
                throw new ModelFormatException(source + ": precompiled_charsmap is broken (" + blob.length + " bytes)");
            }
            long trieSize = (blob[0] & 0xFFL) | (blob[1] & 0xFFL) << 8 | (blob[2] & 0xFFL) << 16 | (blob[3] & 0xFFL) << 24;
            if (trieSize >= blob.length) {
                throw new ModelFormatException(source + ": precompiled_charsmap is broken (trie size " + trieSize
                        + " exceeds the blob size " + blob.length + ")");
            }
            int size = (int) trieSize;
            if (size > blob.length - 4) {
                throw new ModelFormatException(source + ": precompiled_charsmap is broken (trie size " + trieSize
                        + " runs past the end of the blob)");
            }
            int[] units = new int[size / 4];
            for (int i = 0; i < units.length; i++) {
                int p = 4 + 4 * i;
                units[i] = (blob[p] & 0xFF) | (blob[p + 1] & 0xFF) << 8 | (blob[p + 2] & 0xFF) << 16 | (blob[p + 3] & 0xFF) << 24;
            }
            rules = new DoubleArray(units);
            replacements = Arrays.copyOfRange(blob, 4 + size, blob.length);
        }
        this.userDefined = userDefined;
        this.addDummyPrefix = spec.addDummyPrefix();
        this.removeExtraWhitespaces = spec.removeExtraWhitespaces();
        this.escapeWhitespaces = spec.escapeWhitespaces();
        this.treatWhitespaceAsSuffix = treatWhitespaceAsSuffix;
    }

    /** Normalizes UTF-8 {@code input}; the result is the string the segmentation models see. */
    byte[] normalize(byte[] input) {
        int n = input.length;
        int pos = 0;
        if (n == 0) {
            return input;
        }
        Prefix p = new Prefix();
        if (removeExtraWhitespaces) {
            // Leading whitespace: whatever normalizes to exactly one space.
            while (pos < n) {
                normalizePrefix(input, pos, p);
                if (!(p.len == 1 && p.src[p.off] == ' ')) {
                    break;
                }
                pos += p.consumed;
            }
        }
        if (pos == n) {
            return new byte[0];
        }
        ByteBuilder out = new ByteBuilder((n - pos) * 3);
        if (!treatWhitespaceAsSuffix && addDummyPrefix) {
            appendSpace(out);
        }
        boolean prevIsSpace = removeExtraWhitespaces;
        while (pos < n) {
            normalizePrefix(input, pos, p);
            int off = p.off;
            int len = p.len;
            // A run of spaces collapses: drop the replacement's leading spaces after a space.
            while (prevIsSpace && len > 0 && p.src[off] == ' ') {
                off++;
                len--;
            }
            if (len > 0) {
                for (int i = off; i < off + len; i++) {
                    byte b = p.src[i];
                    if (escapeWhitespaces && b == ' ') {
                        out.append(SPACE_SYMBOL);
                    } else {
                        out.append(b);
                    }
                }
                prevIsSpace = p.src[off + len - 1] == ' ';
            }
            pos += p.consumed;
            if (!removeExtraWhitespaces) {
                prevIsSpace = false;
            }
        }
        if (removeExtraWhitespaces) {
            byte[] space = escapeWhitespaces ? SPACE_SYMBOL : SPACE;
            while (out.endsWith(space)) {
                out.truncate(out.size() - space.length);
            }
        }
        if (treatWhitespaceAsSuffix && addDummyPrefix) {
            appendSpace(out);
        }
        return out.toArray();
    }

    private void appendSpace(ByteBuilder out) {
        out.append(escapeWhitespaces ? SPACE_SYMBOL : SPACE);
    }

    /** The normalized form of the longest prefix at {@code input[pos]}: a slice of some array, and the bytes consumed. */
    private static final class Prefix {
        byte[] src;
        int off;
        int len;
        int consumed;

        void set(byte[] src, int off, int len, int consumed) {
            this.src = src;
            this.off = off;
            this.len = len;
            this.consumed = consumed;
        }
    }

    private void normalizePrefix(byte[] input, int pos, Prefix p) {
        int n = input.length;
        if (userDefined != null) {
            int len = userDefined.longestPrefix(input, pos, n);
            if (len > 0) {
                p.set(input, pos, len, len);
                return;
            }
        }
        if (rules != null) {
            long match = rules.longestPrefix(input, pos, n);
            if (match >= 0) {
                int length = (int) (match >>> 32);
                int value = (int) match;
                // A value outside the replacement strings can only come from a corrupt blob: treat it as no rule.
                if (value < replacements.length) {
                    int end = value;
                    while (end < replacements.length && replacements[end] != 0) {
                        end++;
                    }
                    p.set(replacements, value, end - value, length);
                    return;
                }
            }
        }
        int len = Utf8.validCharLength(input, pos, n);
        if (len < 0) {
            // Malformed UTF-8: emit U+FFFD but consume a single byte, as the library does.
            p.set(Utf8.REPLACEMENT, 0, 3, 1);
        } else {
            p.set(input, pos, len, len);
        }
    }
}
