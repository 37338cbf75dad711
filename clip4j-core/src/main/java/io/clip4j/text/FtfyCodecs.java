package io.clip4j.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The codecs ftfy re-encodes and re-decodes text with, working on "byte strings": Java strings whose
 * chars are all in 0..255, one char per byte, so that ftfy's byte-level regular expressions can be
 * applied with {@link java.util.regex.Pattern}.
 *
 * <p>The single-byte decoding tables are CPython's, including ftfy's "sloppy" variants of the Windows
 * code pages (unassigned bytes decode as in Latin-1, and byte 0x1A stands for U+FFFD); they are read
 * from {@code ftfy-charmaps.txt}.
 */
final class FtfyCodecs {

    private FtfyCodecs() {}

    /** A single-byte codec: a decoding table and its inverse. */
    static final class Charmap {
        final String name;
        private final int[] decode;
        private final Map<Integer, Character> encode = new HashMap<>();
        /** The characters ftfy's {@code possible_encoding} accepts for this codec. */
        private final CodePointSet possible;

        Charmap(String name, int[] decode) {
            this.name = name;
            this.decode = decode;
            List<Integer> possibleChars = new ArrayList<>();
            for (int b = 0; b < 256; b++) {
                if (decode[b] >= 0) {
                    encode.put(decode[b], (char) b);
                }
                // ftfy accepts the ASCII range except 0x1A literally, plus whatever bytes 0x80..0xFF
                // and 0x1A decode to.
                if (b < 0x80 && b != 0x1A) {
                    possibleChars.add(b);
                } else if (decode[b] >= 0) {
                    possibleChars.add(decode[b]);
                }
            }
            this.possible = CodePointSet.of(possibleChars.stream().mapToInt(Integer::intValue).toArray());
        }

        /** ftfy's {@code possible_encoding(text, name)}: could the text have been decoded with this codec? */
        boolean canEncode(String text) {
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                if (!possible.contains(cp)) {
                    return false;
                }
                i += Character.charCount(cp);
            }
            return true;
        }

        /** Encodes text that {@link #canEncode} accepted. */
        String encode(String text) {
            StringBuilder sb = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                Character b = encode.get((int) text.charAt(i));
                if (b == null) {
                    throw new IllegalArgumentException(name + " cannot encode U+" + Integer.toHexString(text.charAt(i)));
                }
                sb.append(b.charValue());
            }
            return sb.toString();
        }

        /** Decodes a byte string; returns null when a byte is undefined in this codec. */
        String decode(String bytes) {
            StringBuilder sb = new StringBuilder(bytes.length());
            for (int i = 0; i < bytes.length(); i++) {
                int cp = decode[bytes.charAt(i)];
                if (cp < 0) {
                    return null;
                }
                sb.appendCodePoint(cp);
            }
            return sb.toString();
        }

        int decodeByte(int b) {
            return decode[b];
        }
    }

    private static final Map<String, Charmap> CHARMAPS = loadCharmaps();

    /** The encodings ftfy tries, in its order ({@code chardata.CHARMAP_ENCODINGS}). */
    static final List<Charmap> CHARMAP_ENCODINGS = List.of(
            charmap("latin-1"),
            charmap("sloppy-windows-1252"),
            charmap("sloppy-windows-1251"),
            charmap("sloppy-windows-1250"),
            charmap("sloppy-windows-1253"),
            charmap("sloppy-windows-1254"),
            charmap("sloppy-windows-1257"),
            charmap("iso-8859-2"),
            charmap("macroman"),
            charmap("cp437"));

    static final Charmap LATIN_1 = charmap("latin-1");
    static final Charmap SLOPPY_WINDOWS_1252 = charmap("sloppy-windows-1252");
    /** CPython's strict windows-1252 codec (bytes 81, 8D, 8F, 90, 9D are undefined). */
    static final Charmap WINDOWS_1252 = charmap("windows-1252");

    private static Charmap charmap(String name) {
        Charmap c = CHARMAPS.get(name);
        if (c == null) {
            throw new IllegalStateException("ftfy-charmaps.txt has no table for " + name);
        }
        return c;
    }

    private static Map<String, Charmap> loadCharmaps() {
        Map<String, Charmap> maps = new HashMap<>();
        String name = null;
        List<Integer> values = new ArrayList<>();
        List<String> lines = new ArrayList<>(TextResources.dataLines("ftfy-charmaps.txt"));
        lines.add("@");
        for (String line : lines) {
            if (line.startsWith("@")) {
                if (name != null) {
                    if (values.size() != 256) {
                        throw new IllegalStateException("ftfy-charmaps.txt: " + name + " has " + values.size() + " entries");
                    }
                    maps.put(name, new Charmap(name, values.stream().mapToInt(Integer::intValue).toArray()));
                }
                name = line.substring(1).trim();
                values = new ArrayList<>();
            } else {
                for (String item : line.trim().split("\\s+")) {
                    values.add(item.equals("-") ? -1 : Integer.parseInt(item, 16));
                }
            }
        }
        return maps;
    }

    /** Whether all characters are ASCII (ftfy's {@code possible_encoding(text, "ascii")}). */
    static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Strict UTF-8 as CPython decodes it; null when the bytes are not valid UTF-8. */
    static String decodeUtf8(String byteString) {
        StringBuilder sb = new StringBuilder(byteString.length());
        int n = byteString.length();
        for (int i = 0; i < n; ) {
            int len = validSequenceLength(byteString, i, n);
            if (len <= 0) {
                return null;
            }
            sb.appendCodePoint(codePointOf(byteString, i, len));
            i += len;
        }
        return sb.toString();
    }

    /**
     * ftfy's "utf-8-variants" codec: UTF-8 that also accepts CESU-8 (a UTF-16 surrogate pair encoded
     * as two three-byte sequences) and Java's two-byte encoding of U+0000 ({@code C0 80}). Returns
     * null where ftfy's decoder raises.
     *
     * <p>ftfy finds these sequences with a regular expression whose optional parts end in Python's
     * {@code $}, which also matches just before a final newline; the two places where that changes
     * the outcome (a {@code C0} or the last byte of a CESU-8 pair followed by the final {@code \n})
     * are reproduced.
     */
    static String decodeUtf8Variants(String byteString) {
        StringBuilder sb = new StringBuilder(byteString.length());
        int n = byteString.length();
        boolean finalNewline = n > 0 && byteString.charAt(n - 1) == '\n';
        for (int i = 0; i < n; ) {
            int b = byteString.charAt(i);
            if (b == 0xC0) {
                if (i + 1 < n && (byteString.charAt(i + 1) == 0x80 || (i + 1 == n - 1 && finalNewline))) {
                    sb.append('\u0000');
                    i += 2;
                    continue;
                }
                return null;
            }
            if (b == 0xED && n - i >= 6 && isCesu8Pair(byteString, i, n, finalNewline)) {
                int cp = ((byteString.charAt(i + 1) & 0x0F) << 16) + ((byteString.charAt(i + 2) & 0x3F) << 10)
                        + ((byteString.charAt(i + 4) & 0x0F) << 6) + (byteString.charAt(i + 5) & 0x3F) + 0x10000;
                sb.appendCodePoint(cp);
                i += 6;
                continue;
            }
            int len = validSequenceLength(byteString, i, n);
            if (len <= 0) {
                return null;
            }
            sb.appendCodePoint(codePointOf(byteString, i, len));
            i += len;
        }
        return sb.toString();
    }

    private static boolean isCesu8Pair(String s, int i, int n, boolean finalNewline) {
        int last = s.charAt(i + 5);
        boolean lastOk = (last >= 0x80 && last <= 0xBF) || (i + 5 == n - 1 && finalNewline);
        return in(s.charAt(i + 1), 0xA0, 0xAF) && in(s.charAt(i + 2), 0x80, 0xBF) && s.charAt(i + 3) == 0xED
                && in(s.charAt(i + 4), 0xB0, 0xBF) && lastOk;
    }

    /** UTF-8 decoding with U+FFFD for each maximal invalid subsequence, as CPython's "replace" does. */
    static String decodeUtf8Replacing(byte[] bytes) {
        StringBuilder raw = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            raw.append((char) (b & 0xFF));
        }
        String s = raw.toString();
        StringBuilder sb = new StringBuilder(bytes.length);
        int n = s.length();
        for (int i = 0; i < n; ) {
            int len = validSequenceLength(s, i, n);
            if (len > 0) {
                sb.appendCodePoint(codePointOf(s, i, len));
                i += len;
            } else {
                sb.append('\ufffd');
                i += Math.max(1, -len);
            }
        }
        return sb.toString();
    }

    /**
     * The length of the well-formed UTF-8 sequence at {@code i}, or minus the length of its maximal
     * invalid subpart (at least 1 byte) when it is not well-formed (Unicode table 3-7).
     */
    private static int validSequenceLength(String s, int i, int n) {
        int b0 = s.charAt(i);
        if (b0 < 0x80) {
            return 1;
        }
        int need;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            need = 1;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            need = 2;
            if (b0 == 0xE0) {
                lo = 0xA0;
            } else if (b0 == 0xED) {
                hi = 0x9F;
            }
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            need = 3;
            if (b0 == 0xF0) {
                lo = 0x90;
            } else if (b0 == 0xF4) {
                hi = 0x8F;
            }
        } else {
            return -1;
        }
        for (int k = 1; k <= need; k++) {
            if (i + k >= n) {
                return -k;
            }
            int b = s.charAt(i + k);
            if (k == 1 ? !in(b, lo, hi) : !in(b, 0x80, 0xBF)) {
                return -k;
            }
        }
        return need + 1;
    }

    private static int codePointOf(String s, int i, int len) {
        int b0 = s.charAt(i);
        if (len == 1) {
            return b0;
        }
        int cp = b0 & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
        for (int k = 1; k < len; k++) {
            cp = (cp << 6) | (s.charAt(i + k) & 0x3F);
        }
        return cp;
    }

    private static boolean in(int b, int lo, int hi) {
        return b >= lo && b <= hi;
    }
}
