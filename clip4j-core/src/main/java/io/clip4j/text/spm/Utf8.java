package io.clip4j.text.spm;

import java.nio.charset.StandardCharsets;

/** UTF-8 helpers with exactly the SentencePiece library's rules ({@code util.h}/{@code util.cc}). */
final class Utf8 {

    /** U+FFFD REPLACEMENT CHARACTER. */
    static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    private Utf8() {}

    /** The length a lead byte announces, without validation (the library's {@code OneCharLen}). */
    static int oneCharLen(byte lead) {
        int hi = (lead & 0xFF) >>> 4;
        return hi < 12 ? 1 : hi < 14 ? 2 : hi == 14 ? 3 : 4;
    }

    /**
     * The byte length of the well-formed character at {@code s[pos]}, or -1 if it is malformed (overlong,
     * surrogate, beyond U+10FFFF, truncated or a stray continuation byte); the library then consumes one byte.
     */
    static int validCharLength(byte[] s, int pos, int end) {
        int len = end - pos;
        int b0 = s[pos] & 0xFF;
        if (b0 < 0x80) {
            return 1;
        }
        if (len >= 2 && (b0 & 0xE0) == 0xC0) {
            int cp = (b0 & 0x1F) << 6 | (s[pos + 1] & 0x3F);
            return isTrail(s[pos + 1]) && cp >= 0x80 ? 2 : -1;
        }
        if (len >= 3 && (b0 & 0xF0) == 0xE0) {
            int cp = (b0 & 0x0F) << 12 | (s[pos + 1] & 0x3F) << 6 | (s[pos + 2] & 0x3F);
            return isTrail(s[pos + 1]) && isTrail(s[pos + 2]) && cp >= 0x800 && isValidCodepoint(cp) ? 3 : -1;
        }
        if (len >= 4 && (b0 & 0xF8) == 0xF0) {
            int cp = (b0 & 0x07) << 18 | (s[pos + 1] & 0x3F) << 12 | (s[pos + 2] & 0x3F) << 6 | (s[pos + 3] & 0x3F);
            return isTrail(s[pos + 1]) && isTrail(s[pos + 2]) && isTrail(s[pos + 3]) && cp >= 0x10000
                    && isValidCodepoint(cp) ? 4 : -1;
        }
        return -1;
    }

    private static boolean isTrail(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static boolean isValidCodepoint(int cp) {
        return cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF);
    }

    /**
     * Encodes a Java string as UTF-8. An unpaired surrogate (which Python cannot even encode) becomes
     * U+FFFD, the same thing the library makes of malformed input.
     */
    static byte[] encode(String text) {
        ByteBuilder out = new ByteBuilder(text.length() * 3 / 2 + 8);
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                out.append((byte) c);
            } else if (c < 0x800) {
                out.append((byte) (0xC0 | c >>> 6));
                out.append((byte) (0x80 | c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                out.append((byte) (0xF0 | cp >>> 18));
                out.append((byte) (0x80 | cp >>> 12 & 0x3F));
                out.append((byte) (0x80 | cp >>> 6 & 0x3F));
                out.append((byte) (0x80 | cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out.append(REPLACEMENT, 0, 3);
            } else {
                out.append((byte) (0xE0 | c >>> 12));
                out.append((byte) (0x80 | c >>> 6 & 0x3F));
                out.append((byte) (0x80 | c & 0x3F));
            }
        }
        return out.toArray();
    }

    static String decode(byte[] s, int off, int len) {
        return new String(s, off, len, StandardCharsets.UTF_8);
    }
}
