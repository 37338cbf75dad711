package io.clip4j.text;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code html.unescape} (CPython 3.11), which the CLIP tokenizer applies twice after ftfy.
 *
 * <p>It follows the HTML5 rules for character references: the full named-entity table (including
 * the legacy names that may appear without a semicolon, where the longest known prefix is decoded),
 * decimal and hexadecimal references, and the HTML5 replacements for invalid numeric references.
 */
final class PythonHtml {

    private PythonHtml() {}

    /** {@code html.entities.html5}: entity name (with its ';' where the standard has one) to text. */
    static final Map<String, String> HTML5 = loadHtml5();

    private static final Pattern CHARREF =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

    /** The HTML5 replacements for numeric references to C1 controls, NUL and CR. */
    private static final Map<Integer, String> INVALID_CHARREFS = new HashMap<>();

    static {
        INVALID_CHARREFS.put(0x00, "\ufffd");
        INVALID_CHARREFS.put(0x0d, "\r");
        String windows1252 = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d"
                + "\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d"
                + "\u017e\u0178";
        for (int i = 0; i < 32; i++) {
            INVALID_CHARREFS.put(0x80 + i, String.valueOf(windows1252.charAt(i)));
        }
    }

    private static Map<String, String> loadHtml5() {
        Map<String, String> map = new HashMap<>();
        for (String line : TextResources.dataLines("html5-entities.txt")) {
            int tab = line.indexOf('\t');
            map.put(line.substring(0, tab), TextResources.codePoints(line.substring(tab + 1)));
        }
        return map;
    }

    /** Python's {@code html.unescape(s)}. */
    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = CHARREF.matcher(s);
        StringBuilder sb = new StringBuilder(s.length());
        int last = 0;
        while (m.find()) {
            sb.append(s, last, m.start()).append(replaceCharref(m.group(1)));
            last = m.end();
        }
        return sb.append(s, last, s.length()).toString();
    }

    private static String replaceCharref(String s) {
        if (s.charAt(0) == '#') {
            boolean hex = s.charAt(1) == 'x' || s.charAt(1) == 'X';
            String digits = s.substring(hex ? 2 : 1);
            if (digits.endsWith(";")) {
                digits = digits.substring(0, digits.length() - 1);
            }
            return numericReference(parseCapped(digits, hex ? 16 : 10));
        }
        String known = HTML5.get(s);
        if (known != null) {
            return known;
        }
        // The longest prefix (of at least 2 code points) that is a known entity, as the standard says.
        int[] cps = s.codePoints().toArray();
        for (int x = cps.length - 1; x > 1; x--) {
            String prefix = new String(cps, 0, x);
            String value = HTML5.get(prefix);
            if (value != null) {
                return value + new String(cps, x, cps.length - x);
            }
        }
        return "&" + s;
    }

    /**
     * The value of a digit string, or {@code Integer.MAX_VALUE} when it exceeds U+10FFFF (CPython
     * raises for decimal strings over 4300 digits; treating them as out of range is the only useful
     * reading).
     */
    private static int parseCapped(String digits, int radix) {
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            value = value * radix + Character.digit(digits.charAt(i), radix);
            if (value > 0x10FFFF) {
                return Integer.MAX_VALUE;
            }
        }
        return (int) value;
    }

    private static String numericReference(int num) {
        String invalid = INVALID_CHARREFS.get(num);
        if (invalid != null) {
            return invalid;
        }
        if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
            return "\ufffd";
        }
        if (isInvalidCodePoint(num)) {
            return "";
        }
        return Character.toString(num);
    }

    /** CPython's {@code html._invalid_codepoints}: controls, noncharacters U+FDD0..FDEF and U+xFFFE/F. */
    private static boolean isInvalidCodePoint(int cp) {
        return (cp >= 0x1 && cp <= 0x8) || cp == 0xb || (cp >= 0xe && cp <= 0x1f) || (cp >= 0x7f && cp <= 0x9f)
                || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
    }
}
