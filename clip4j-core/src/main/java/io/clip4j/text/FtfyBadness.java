package io.clip4j.text;

import static io.clip4j.text.FtfyCharData.BAD;
import static io.clip4j.text.FtfyCharData.BOX;
import static io.clip4j.text.FtfyCharData.C1;
import static io.clip4j.text.FtfyCharData.COMMON;
import static io.clip4j.text.FtfyCharData.CURRENCY;
import static io.clip4j.text.FtfyCharData.END_PUNCTUATION;
import static io.clip4j.text.FtfyCharData.KAOMOJI;
import static io.clip4j.text.FtfyCharData.LAW;
import static io.clip4j.text.FtfyCharData.LOWER_ACCENTED;
import static io.clip4j.text.FtfyCharData.LOWER_COMMON;
import static io.clip4j.text.FtfyCharData.NUMERIC;
import static io.clip4j.text.FtfyCharData.START_PUNCTUATION;
import static io.clip4j.text.FtfyCharData.UPPER_ACCENTED;
import static io.clip4j.text.FtfyCharData.UPPER_COMMON;

import java.util.regex.Pattern;

/**
 * ftfy's mojibake heuristic ({@code ftfy/badness.py}): a regular expression of unlikely
 * juxtapositions of the few hundred characters that occur in UTF-8 mojibake.
 */
final class FtfyBadness {

    private FtfyBadness() {}

    private static String c(CodePointSet... sets) {
        return FtfyCharData.cls(sets);
    }

    /** A class of the given literal characters plus the sets. */
    private static String c(String literals, CodePointSet... sets) {
        StringBuilder sb = new StringBuilder("[");
        literals.codePoints().forEach(cp -> sb.append("\\x{").append(Integer.toHexString(cp)).append('}'));
        return sb.append(FtfyCharData.body(sets)).append(']').toString();
    }

    /** Python's {@code \s}, as ftfy's expression uses it. */
    private static final String SPACE = "[" + PythonText.RE_SPACE.regexClassBody() + "]";
    /** Python's {@code \w}. */
    private static final String WORD = "[" + PythonText.RE_WORD.regexClassBody() + "]";

    private static final String BADNESS = String.join("|",
            c(C1),
            c(BAD, LOWER_ACCENTED, UPPER_ACCENTED, BOX, START_PUNCTUATION, END_PUNCTUATION, CURRENCY, NUMERIC, LAW)
                    + c(BAD),
            "[a-zA-Z]" + c(LOWER_COMMON, UPPER_COMMON) + c(BAD),
            c(BAD) + c(LOWER_ACCENTED, UPPER_ACCENTED, BOX, START_PUNCTUATION, END_PUNCTUATION, CURRENCY, NUMERIC, LAW),
            c(LOWER_ACCENTED, LOWER_COMMON, BOX, END_PUNCTUATION, CURRENCY, NUMERIC) + c(UPPER_ACCENTED),
            c(BOX, END_PUNCTUATION, CURRENCY, NUMERIC) + c(LOWER_ACCENTED),
            c(LOWER_ACCENTED, BOX, END_PUNCTUATION) + c(CURRENCY),
            SPACE + c(UPPER_ACCENTED) + c(CURRENCY),
            c(UPPER_ACCENTED, BOX) + c(NUMERIC, LAW),
            c(LOWER_ACCENTED, UPPER_ACCENTED, BOX, CURRENCY, END_PUNCTUATION) + c(START_PUNCTUATION) + c(NUMERIC),
            c(LOWER_ACCENTED, UPPER_ACCENTED, CURRENCY, NUMERIC, BOX, LAW) + c(END_PUNCTUATION) + c(START_PUNCTUATION),
            c(CURRENCY, NUMERIC, BOX) + c(START_PUNCTUATION),
            "[a-z]" + c(UPPER_ACCENTED) + c(START_PUNCTUATION, CURRENCY),
            c(BOX) + c(KAOMOJI),
            c(LOWER_ACCENTED, UPPER_ACCENTED, CURRENCY, NUMERIC, START_PUNCTUATION, END_PUNCTUATION, LAW) + c(BOX),
            c(BOX) + c(END_PUNCTUATION),
            c(LOWER_ACCENTED, UPPER_ACCENTED) + c(START_PUNCTUATION, END_PUNCTUATION) + WORD,
            // The ligature œ when not followed by an unaccented Latin letter
            "[\u0152\u0153][^A-Za-z]",
            // Degree signs after capital letters
            c(UPPER_ACCENTED) + "\u00b0",
            // Common Windows-1252 2-character mojibake that isn't covered by the cases above
            c("\u00c2\u00c3\u00ce\u00d0") + c("\u20ac\u0153\u0160\u0161\u00a2\u00a3\u0178\u017e\u00a0\u00ad\u00ae\u00a9\u00b0\u00b7\u00bb"
                    + "\u2013\u2014\u00b4", START_PUNCTUATION, END_PUNCTUATION),
            "\u00d7" + c("\u00b2\u00b3"),
            // Windows-1252 mojibake of Arabic words needs the 'common' characters; four are required.
            c("\u00d8\u00d9") + c("\u0178\u0160\u00ae\u00b0\u00b5\u00bb", COMMON, CURRENCY, BAD, NUMERIC, START_PUNCTUATION)
                    + c("\u00d8\u00d9") + c("\u0178\u0160\u00ae\u00b0\u00b5\u00bb", COMMON, CURRENCY, BAD, NUMERIC, START_PUNCTUATION),
            // Windows-1252 mojibake that starts 3-character sequences for some South Asian alphabets
            "\u00e0" + c("\u00b2\u00b5\u00b9\u00bc\u00bd\u00be"),
            // MacRoman mojibake that isn't covered by the cases above
            "\u221a" + c("\u00b1\u2202\u2020\u2260\u00ae\u2122\u00b4\u2264\u2265\u00a5\u00b5\u00f8"),
            "\u2248" + c("\u00b0\u00a2"),
            "\u201a\u00c4" + c("\u00ec\u00ee\u00ef\u00f2\u00f4\u00fa\u00f9\u00fb\u2020\u00b0\u00a2\u03c0"),
            "\u201a" + c("\u00e2\u00f3") + c("\u00e0\u00e4\u00b0\u00ea"),
            // Windows-1251 mojibake of characters in the U+2000 range
            "\u0432\u0402",
            // Windows-1251 mojibake of Latin-1 characters and/or the Cyrillic alphabet (3 characters)
            c("\u0412\u0413\u0420\u0421") + c("\u00b0\u00b5", C1, BAD, START_PUNCTUATION, END_PUNCTUATION, CURRENCY)
                    + c("\u0412\u0413\u0420\u0421"),
            // A distinctive five-character sequence: Windows-1251 mojibake on top of Latin-1 mojibake
            "\u0413\u045e\u0412\u0402\u0412.[A-Za-z ]",
            // Windows-1252 encodings of 'à' and 'á', as well as \xa0 itself
            "\u00c3" + c("\u00a0\u00a1"),
            "[a-z]" + SPACE + "?" + c("\u00c3\u00c2") + "[ ]",
            "^" + c("\u00c3\u00c2") + "[ ]",
            // Cases where Â precedes a character as an encoding of exactly the same character
            c(".,?!", END_PUNCTUATION).replace("[", "[a-z") + "\u00c2" + c(" ", START_PUNCTUATION, END_PUNCTUATION),
            // Windows-1253 mojibake of characters in the U+2000 range
            "\u03b2\u20ac" + c("\u2122\u00a0\u0386\u00ad\u00ae\u00b0"),
            // Windows-1253 mojibake of Latin-1 characters and/or the Greek alphabet
            c("\u0392\u0393\u039e\u039f") + c("\u00b0", C1, BAD, START_PUNCTUATION, END_PUNCTUATION, CURRENCY)
                    + c("\u0392\u0393\u039e\u039f"),
            // Windows-1257 mojibake of characters in the U+2000 range
            "\u0101\u20ac");

    /** Python's '.' matches anything but '\n', which is what UNIX_LINES gives Java's. */
    private static final Pattern BADNESS_RE = Pattern.compile(BADNESS, Pattern.UNIX_LINES);

    /** ftfy's {@code is_bad}: whether the text contains anything that looks like mojibake. */
    static boolean isBad(String text) {
        return BADNESS_RE.matcher(text).find();
    }
}
