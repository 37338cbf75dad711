package io.clip4j.text;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The individual fixes of ftfy 6.3.1 ({@code ftfy/fixes.py}), each a function of a string. */
final class FtfyFixes {

    private FtfyFixes() {}

    /** Replaces every match of a pattern with a function of the matched text. */
    static String replaceAll(Pattern pattern, String text, Function<String, String> replacement) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        int last = 0;
        do {
            sb.append(text, last, m.start()).append(replacement.apply(m.group()));
            last = m.end();
        } while (m.find());
        return sb.append(text, last, text.length()).toString();
    }

    /**
     * Decodes HTML entities that end in a semicolon (and upper-cased variants of common ones, such as
     * "&EACUTE;"), plus numeric character references. Ambiguous forms without a semicolon, such as
     * "this&not that", are left alone.
     */
    static String unescapeHtml(String text) {
        return replaceAll(FtfyCharData.HTML_ENTITY_RE, text, entity -> {
            String known = FtfyCharData.HTML_ENTITIES.get(entity);
            if (known != null) {
                return known;
            }
            if (entity.startsWith("&#")) {
                String unescaped = PythonHtml.unescape(entity);
                // If html.unescape only decoded part of the reference, the semicolon was not consumed.
                return unescaped.indexOf(';') >= 0 ? entity : unescaped;
            }
            return entity;
        });
    }

    /**
     * ESC '[', any run of digits (Python's Unicode {@code \d}) and ';', and a letter. Written with one
     * character class rather than ftfy's {@code (?:\d|;)*}, which means the same but makes Java's
     * engine recurse once per character.
     */
    private static final Pattern ANSI_RE =
            Pattern.compile("\\x1b\\[[;" + PythonText.RE_DIGIT.regexClassBody() + "]*[a-zA-Z]");

    /** Strips "ANSI" terminal escape sequences, such as those that colour text on Unix terminals. */
    static String removeTerminalEscapes(String text) {
        return text.indexOf('\u001b') < 0 ? text : replaceAll(ANSI_RE, text, m -> "");
    }

    /** Replaces curly quotation marks (and U+02BC MODIFIER LETTER APOSTROPHE) with straight ones. */
    static String uncurlQuotes(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char r = (c == '\u02bc' || (c >= '\u2018' && c <= '\u201b')) ? '\''
                    : (c >= '\u201c' && c <= '\u201f') ? '"' : c;
            if (r != c && sb == null) {
                sb = new StringBuilder(text);
            }
            if (sb != null) {
                sb.setCharAt(i, r);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** Replaces Latin ligatures such as 'ﬁ' with the letters they are made of. */
    static String fixLatinLigatures(String text) {
        return translate(text, FtfyCharData.LIGATURES);
    }

    private static final Map<Integer, String> WIDTH_MAP = buildWidthMap();

    /**
     * The halfwidth and fullwidth forms (U+FF01..U+FFEF) mapped to their NFKC equivalents, and
     * U+3000 IDEOGRAPHIC SPACE to a plain space. These forms have been stable since Unicode 3, so
     * Java's normalizer gives the same table as CPython's.
     */
    private static Map<Integer, String> buildWidthMap() {
        Map<Integer, String> map = new HashMap<>();
        map.put(0x3000, " ");
        for (int cp = 0xFF01; cp < 0xFFF0; cp++) {
            String ch = Character.toString(cp);
            String alternate = Normalizer.normalize(ch, Normalizer.Form.NFKC);
            if (!alternate.equals(ch)) {
                map.put(cp, alternate);
            }
        }
        return map;
    }

    /** Replaces fullwidth Latin characters and halfwidth Katakana with their standard widths. */
    static String fixCharacterWidth(String text) {
        return translate(text, WIDTH_MAP);
    }

    /** Converts CRLF, CR, U+2028, U+2029 and U+0085 line breaks to '\n'. */
    static String fixLineBreaks(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n').replace('\u2029', '\n')
                .replace('\u0085', '\n');
    }

    /**
     * Replaces unpaired UTF-16 surrogates with U+FFFD. (A Java string already reads a correctly
     * paired surrogate as the code point it encodes, which is what ftfy's pair conversion produces.)
     */
    static String fixSurrogates(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            boolean lone = cp >= 0xD800 && cp <= 0xDFFF;
            if (lone && sb == null) {
                sb = new StringBuilder(text.length());
                sb.append(text, 0, i);
            }
            if (sb != null) {
                if (lone) {
                    sb.append('\ufffd');
                } else {
                    sb.append(text, i, i + n);
                }
            }
            i += n;
        }
        return sb == null ? text : sb.toString();
    }

    /**
     * Removes control characters with no displayed effect: C0 controls other than the whitespace
     * ones, DEL, the deprecated Arabic controls U+206A..U+206F, U+FEFF and U+FFF9..U+FFFC.
     */
    static String removeControlChars(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean remove = c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                    || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
            if (remove && sb == null) {
                sb = new StringBuilder(text.length());
                sb.append(text, 0, i);
            }
            if (sb != null && !remove) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /**
     * Puts back bytes 0xA0 that some process turned into spaces, where that makes a sequence that
     * would convincingly decode as UTF-8. A lone "Ã " becomes "à " (keeping the space), since "à" is
     * usually a word of its own.
     */
    static String restoreByteA0(String bytes) {
        String replaced = replaceAll(FtfyCharData.A_GRAVE_WORD_RE, bytes, m -> "\u00c3\u00a0 ");
        return replaceAll(FtfyCharData.ALTERED_UTF8_RE, replaced, m -> m.replace(' ', '\u00a0'));
    }

    /**
     * Replaces UTF-8 sequences that lost information in a sloppy codec (byte 0x1A, or '?') with the
     * UTF-8 encoding of U+FFFD.
     */
    static String replaceLossySequences(String bytes) {
        return replaceAll(FtfyCharData.LOSSY_UTF8_RE, bytes, m -> "\u00ef\u00bf\u00bd");
    }

    /**
     * Decodes sequences that look like UTF-8 mojibake embedded in otherwise fine text (text
     * concatenated from different encodings).
     */
    static String decodeInconsistentUtf8(String text) {
        int[] match = FtfyCharData.findUtf8Mojibake(text, 0);
        if (match == null) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        int last = 0;
        while (match != null) {
            String substr = text.substring(match[0], match[1]);
            sb.append(text, last, match[0]);
            // Only strictly shorter matches, so that this cannot recurse forever.
            if (substr.length() < text.length() && FtfyBadness.isBad(substr)) {
                sb.append(Ftfy.fixEncoding(substr));
            } else {
                sb.append(substr);
            }
            last = match[1];
            match = FtfyCharData.findUtf8Mojibake(text, last);
        }
        return sb.append(text, last, text.length()).toString();
    }

    /** Replaces C1 controls with their Windows-1252 equivalents, as web browsers do. */
    static String fixC1Controls(String text) {
        return replaceAll(FtfyCharData.C1_CONTROL_RE, text,
                c1 -> Character.toString(FtfyCodecs.SLOPPY_WINDOWS_1252.decodeByte(c1.charAt(0))));
    }

    private static String translate(String text, Map<Integer, String> table) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            String mapped = table.get(cp);
            if (mapped != null && sb == null) {
                sb = new StringBuilder(text.length());
                sb.append(text, 0, i);
            }
            if (sb != null) {
                if (mapped != null) {
                    sb.append(mapped);
                } else {
                    sb.append(text, i, i + n);
                }
            }
            i += n;
        }
        return sb == null ? text : sb.toString();
    }
}
