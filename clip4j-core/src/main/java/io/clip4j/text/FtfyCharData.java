package io.clip4j.text;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The character data of ftfy 6.3.1 ({@code ftfy/chardata.py}): mojibake character categories,
 * UTF-8 "clues", the byte-level regular expressions used while re-decoding, and translation tables.
 *
 * <p>Every set is written as hex code points (ranges inclusive) and turned into
 * {@link java.util.regex.Pattern} classes with each code point escaped, so no character is special.
 */
final class FtfyCharData {

    private FtfyCharData() {}

    // ---- Categories of the characters that occur in UTF-8 mojibake (badness.py MOJIBAKE_CATEGORIES).

    /** Characters that appear in many contexts; sequences containing them are not inherently mojibake. */
    static final CodePointSet COMMON = CodePointSet.parse("A0 AD B7 B4 2013 2014 2015 2026 2019");
    /** The C1 control range, which has no use outside of mojibake any more. */
    static final CodePointSet C1 = CodePointSet.parse("80-9F");
    /** Characters that are nearly always mojibake. */
    static final CodePointSet BAD = CodePointSet.parse(
            "A6 A4 A8 AC AF B8 192 2C6 2C7 2D8 2DB 2DC 2020 2021 2030 2310 25CA FFFD AA BA");
    /** Characters used in legalese. */
    static final CodePointSet LAW = CodePointSet.parse("B6 A7");
    static final CodePointSet CURRENCY = CodePointSet.parse("A2 A3 A5 20A7 20AC");
    static final CodePointSet START_PUNCTUATION = CodePointSet.parse(
            "A1 AB BF A9 384 385 2018 201A 201C 201E 2022 2039 F8FF");
    static final CodePointSet END_PUNCTUATION = CodePointSet.parse("AE BB 2DD 201D 203A 2122");
    static final CodePointSet NUMERIC = CodePointSet.parse(
            "B2 B3 B9 B1 BC BD BE D7 B5 F7 2044 2202 2206 220F 2211 221A 221E 2229 222B 2248 2260 2261 2264 2265 2116");
    /** Letters that might be used in emoticon faces (kaomoji), so they may appear in odd contexts. */
    static final CodePointSet KAOMOJI = CodePointSet.parse("D2-D6 D9-DC F2-F6 F8-FC 150 14C 16A 172 B0");
    static final CodePointSet UPPER_ACCENTED = CodePointSet.parse(
            "C0-D1 D8 DC DD 102 100 104 106 10C 10E 110 118 11A 112 116 11E 122 130 12A 136 139 13D 141 13B 143 147"
                    + " 145 152 158 15A 15E 160 162 164 16E 170 178 179 17B 17D 490");
    static final CodePointSet LOWER_ACCENTED = CodePointSet.parse(
            "DF E0-F1 103 105 101 107 10D 10F 111 119 11B 113 117 11F 123 12F 12B 137 13A 13E 142 13C 153 155 15B"
                    + " 15F 161 165 FC 17A 17C 17E 491 FB01 FB02");
    static final CodePointSet UPPER_COMMON = CodePointSet.parse(
            "DE 391-3A9 386 388 389 38A 38C 38E 38F 3AA 3AB 401-42F");
    static final CodePointSet LOWER_COMMON = CodePointSet.parse("3B1-3C9 3AC 3AD 3AE 3AF 3B0 430-45F");
    static final CodePointSet BOX = CodePointSet.parse(
            "2502 250C 2510 2518 251C 2524 252C 253C 2550-256C 2580 2584 2588 258C 2590 2591 2592 2593");

    // ---- UTF-8 clues (chardata.py UTF8_CLUES): what UTF-8 bytes look like in single-byte encodings.

    /** Characters that bytes 0xC2..0xDF decode to in a Latin-1-like encoding. */
    static final CodePointSet UTF8_FIRST_OF_2 = CodePointSet.parse(
            "102 C2 C4 100 C5 C3 C6 106 10C C7 10E 110 C9 11A CA CB 116 C8 112 118 D0 11E 122 CD CE CF 130 CC 12A 136"
                    + " 139 13B 141 143 147 145 D1 D3 D4 D6 150 D2 14C D8 D5 158 15A 160 15E 162 DE DA DB DC 170 D9"
                    + " 16A 172 16E DD 179 17D 17B DF D7 392-3A1 3A3-3AF 412-42F");
    /** Characters that bytes 0xE0..0xEF decode to in a Latin-1-like encoding. */
    static final CodePointSet UTF8_FIRST_OF_3 = CodePointSet.parse(
            "E1 103 E2 E4 E0 101 105 E5 E3 E6 107 10D E7 10F E9 11B EA EB 117 E8 113 119 123 ED EE EF EC 12B 12F"
                    + " 137 13A 13C 155 17A 3B0-3BF 430-43F");
    /** Characters that bytes 0xF0 and 0xF3 decode to in a Latin-1-like encoding. */
    static final CodePointSet UTF8_FIRST_OF_4 = CodePointSet.parse("111 F0 11F F3 161 3C0 3C3 440 443");
    /** Characters that bytes 0x80..0xBF decode to, plus a space standing in for 0xA0. */
    static final CodePointSet UTF8_CONTINUATION = CodePointSet.parse(
            "80-BF 20 104 C6 13D 141 D8 156 15A 160 15E 164 178 179 17D 17B 152 105 E6 192 13E 142 F8 157 15B 161"
                    + " 15F 165 17A 17E 17C 153 2C6 2C7 2D8 2DB 2DC 2DD 384 385 386 388 389 38A 38C 38E 38F 401-40C"
                    + " 40E 40F 451-45C 45E 45F 490 491 2013 2014 2015 2018 2019 201A 201C 201D 201E 2020 2021 2022"
                    + " 2026 2030 2039 203A 20AC 2116 2122");
    /** Continuation characters that do not usually stand for themselves next to mojibake. */
    static final CodePointSet UTF8_CONTINUATION_STRICT = CodePointSet.parse(
            "80-BF 104 C6 13D 141 D8 156 15A 160 15E 164 178 179 17D 17B 152 105 E6 192 13E 142 F8 157 15B 161 15F"
                    + " 165 17A 17E 17C 153 2C6 2C7 2D8 2DB 2DC 2DD 384 385 386 388 389 38A 38C 38E 38F 401-40C 40E"
                    + " 40F 451-45C 45E 45F 490 491 2020 2021 2030 2039 203A 20AC 2116 2122");

    /**
     * ftfy's {@code UTF8_DETECTOR_RE}: a run of one or more sequences that look like UTF-8 read in a
     * single-byte encoding (a first-of-2 character and one continuation, a first-of-3 and two, or a
     * first-of-4 and three), coalesced so they can be fixed together, and not preceded by a strict
     * continuation character (so that a few characters in the middle of a larger garble are left
     * alone).
     *
     * <p>This is a scanner rather than a {@link Pattern}: Java's engine recurses once per repetition
     * of a group and overflows its stack on long runs. Since nothing follows the repetition, the
     * regex's first successful path is simply: at each step take the first alternative that matches,
     * and stop when none does; that is what {@link #utf8MojibakeEnd} does.
     *
     * @return {start, end} of the first run at or after {@code from}, or null
     */
    static int[] findUtf8Mojibake(String text, int from) {
        for (int p = from; p < text.length(); p++) {
            int end = utf8MojibakeEnd(text, p);
            if (end > p && (p == 0 || !UTF8_CONTINUATION_STRICT.contains(text.codePointBefore(p)))) {
                return new int[] {p, end};
            }
        }
        return null;
    }

    /** The end of the longest run of mojibake sequences starting at {@code p} ({@code p} if none). */
    private static int utf8MojibakeEnd(String text, int p) {
        int pos = p;
        while (pos < text.length()) {
            char first = text.charAt(pos);
            int next;
            if (UTF8_FIRST_OF_2.contains(first) && continuations(text, pos + 1, 1)) {
                next = pos + 2;
            } else if (UTF8_FIRST_OF_3.contains(first) && continuations(text, pos + 1, 2)) {
                next = pos + 3;
            } else if (UTF8_FIRST_OF_4.contains(first) && continuations(text, pos + 1, 3)) {
                next = pos + 4;
            } else {
                break;
            }
            pos = next;
        }
        return pos;
    }

    /** Whether {@code count} continuation characters start at {@code from} (all clues are BMP chars). */
    private static boolean continuations(String text, int from, int count) {
        if (from + count > text.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            if (!UTF8_CONTINUATION.contains(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    // ---- Byte-level expressions (applied to byte strings, one char per byte).

    /**
     * UTF-8 sequences that would be valid if a byte 0xA0 had not been turned into a space. Only lead
     * bytes that commonly form characters before 0xA0 are included.
     */
    static final Pattern ALTERED_UTF8_RE = Pattern.compile(
            "[\\xc2\\xc3\\xc5\\xce\\xd0\\xd9][ ]"
                    + "|[\\xe2\\xe3][ ][\\x80-\\x84\\x86-\\x9f\\xa1-\\xbf]"
                    + "|[\\xe0-\\xe3][\\x80-\\x84\\x86-\\x9f\\xa1-\\xbf][ ]"
                    + "|[\\xf0][ ][\\x80-\\xbf][\\x80-\\xbf]"
                    + "|[\\xf0][\\x80-\\xbf][ ][\\x80-\\xbf]"
                    + "|[\\xf0][\\x80-\\xbf][\\x80-\\xbf][ ]");

    /**
     * UTF-8 and CESU-8 sequences whose continuation bytes were lost: byte 0x1A stands for a byte that
     * became U+FFFD, and an ASCII '?' is accepted in its place at most once per sequence.
     */
    static final Pattern LOSSY_UTF8_RE = Pattern.compile(
            "[\\xc2-\\xdf][\\x1a]"
                    + "|[\\xc2-\\xc3][?]"
                    + "|\\xed[\\xa0-\\xaf][\\x1a?]\\xed[\\xb0-\\xbf][\\x1a?\\x80-\\xbf]"
                    + "|\\xed[\\xa0-\\xaf][\\x1a?\\x80-\\xbf]\\xed[\\xb0-\\xbf][\\x1a?]"
                    + "|[\\xe0-\\xef][\\x1a?][\\x1a\\x80-\\xbf]"
                    + "|[\\xe0-\\xef][\\x1a\\x80-\\xbf][\\x1a?]"
                    + "|[\\xf0-\\xf4][\\x1a?][\\x1a\\x80-\\xbf][\\x1a\\x80-\\xbf]"
                    + "|[\\xf0-\\xf4][\\x1a\\x80-\\xbf][\\x1a?][\\x1a\\x80-\\xbf]"
                    + "|[\\xf0-\\xf4][\\x1a\\x80-\\xbf][\\x1a\\x80-\\xbf][\\x1a?]"
                    + "|\\x1a");

    /**
     * Byte 0xC3 followed by one space, except before the Portuguese words "às", "àquele", "àquela",
     * "àquilo" (and their plurals): the mojibake of "à" as a word of its own (as in "à la mode").
     */
    static final Pattern A_GRAVE_WORD_RE = Pattern.compile("\\xc3 (?! |quele|quela|quilo|s )");

    /** C1 control characters. */
    static final Pattern C1_CONTROL_RE = Pattern.compile("[\\x80-\\x9f]");

    /** Candidate HTML entities: ftfy only decodes those that end in a semicolon. */
    static final Pattern HTML_ENTITY_RE = Pattern.compile("&#?[0-9A-Za-z]{1,24};");

    /**
     * {@code html.entities.html5} names that end in ';' (as "&name;"), plus upper-cased variants of
     * the lower-case names that {@code html.unescape} would leave alone, mapped to the upper-cased
     * character (so "&EACUTE;" gives "É"). The variants come from {@code ftfy-uppercase-entities.txt}.
     */
    static final Map<String, String> HTML_ENTITIES = buildHtmlEntities();

    private static Map<String, String> buildHtmlEntities() {
        Map<String, String> entities = new HashMap<>();
        PythonHtml.HTML5.forEach((name, value) -> {
            if (name.endsWith(";")) {
                entities.put("&" + name, value);
            }
        });
        for (String line : TextResources.dataLines("ftfy-uppercase-entities.txt")) {
            int tab = line.indexOf('\t');
            entities.put(line.substring(0, tab), TextResources.codePoints(line.substring(tab + 1)));
        }
        return entities;
    }

    /**
     * Latin-alphabet ligatures and legacy digraphs that are almost never intended in text strings
     * (ligatures of other scripts, and ones like "æ" that are used deliberately, are left alone).
     */
    static final Map<Integer, String> LIGATURES = Map.ofEntries(
            Map.entry(0x132, "IJ"), Map.entry(0x133, "ij"), // Dutch
            Map.entry(0x149, "\u02bcn"), // Afrikaans digraph meant to avoid an auto-curled quote
            Map.entry(0x1F1, "DZ"), Map.entry(0x1F2, "Dz"), Map.entry(0x1F3, "dz"), // Serbian/Croatian
            Map.entry(0x1C4, "D\u017d"), Map.entry(0x1C5, "D\u017e"), Map.entry(0x1C6, "d\u017e"),
            Map.entry(0x1C7, "LJ"), Map.entry(0x1C8, "Lj"), Map.entry(0x1C9, "lj"),
            Map.entry(0x1CA, "NJ"), Map.entry(0x1CB, "Nj"), Map.entry(0x1CC, "nj"),
            Map.entry(0xFB00, "ff"), Map.entry(0xFB01, "fi"), Map.entry(0xFB02, "fl"), // typographic
            Map.entry(0xFB03, "ffi"), Map.entry(0xFB04, "ffl"), Map.entry(0xFB05, "\u017ft"), Map.entry(0xFB06, "st"));

    /** The body of a regex character class for a set; see {@link CodePointSet#regexClassBody()}. */
    static String body(CodePointSet... sets) {
        StringBuilder sb = new StringBuilder();
        for (CodePointSet set : sets) {
            sb.append(set.regexClassBody());
        }
        return sb.toString();
    }

    /** A regex character class matching any code point of the given sets. */
    static String cls(CodePointSet... sets) {
        return "[" + body(sets) + "]";
    }
}
