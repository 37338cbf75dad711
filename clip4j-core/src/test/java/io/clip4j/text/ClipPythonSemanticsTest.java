package io.clip4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Python behaviours the CLIP tokenizer depends on. Every expected value was checked with the
 * reference environment (Debian 12: CPython 3.11.2 and python3-regex 2022.10.31).
 */
class ClipPythonSemanticsTest {

    private static final String GURUNG_KHEMA_VOWEL = new String(Character.toChars(0x1611E));

    @Test
    void lowerUsesFullMappingsAndFinalSigma() {
        assertEquals("i\u0307stanbul", PythonText.lower("İstanbul"));
        assertEquals("σοφια οδος", PythonText.lower("ΣΟΦΙΑ ΟΔΟΣ"));
        assertEquals("ας.", PythonText.lower("ΑΣ."));
        assertEquals("σ", PythonText.lower("Σ"));
        assertEquals("ασ\u0301α", PythonText.lower("ΑΣ\u0301Α"));
    }

    @Test
    void stripAndWhitespaceCleanUseTheirOwnWhiteSpaceSets() {
        // str.isspace() includes the information separators U+001C..U+001F; regex's \s does not.
        assertEquals("a", PythonText.strip("\u001c a \u001f"));
        assertEquals("a\u001cb c", ClipTextCleaner.whitespaceClean("a\u001cb \t c"));
    }

    @Test
    void nfcLeavesCharactersThatUnicode14DidNotHave() {
        // Two Gurung Khema vowel signs (Unicode 16) compose in Java 25 but not in CPython 3.11.
        String pair = GURUNG_KHEMA_VOWEL + GURUNG_KHEMA_VOWEL;
        assertEquals(pair, PythonText.nfc(pair));
        assertEquals("é" + pair + "é", PythonText.nfc("e\u0301" + pair + "e\u0301"));
    }

    @Test
    void htmlUnescapeFollowsHtml5() {
        assertEquals("&", PythonHtml.unescape("&amp"));
        assertEquals("¬it;", PythonHtml.unescape("&notit;"));
        assertEquals("€", PythonHtml.unescape("&#x80;"));
        assertEquals("\ufffd", PythonHtml.unescape("&#0;"));
        assertEquals("\ufffd", PythonHtml.unescape("&#xD800;"));
        assertEquals("", PythonHtml.unescape("&#1;"));
        assertEquals("ABC", PythonHtml.unescape("&#65;&#x42;&#X43;"));
        assertEquals("&", PythonHtml.unescape("&AMP;"));
        assertEquals("&x", PythonHtml.unescape("&ampx"));
        assertEquals("😀", PythonHtml.unescape("&#128512;"));
        assertEquals("\ufffd", PythonHtml.unescape("&#1114112;"));
    }

    @Test
    void splitFollowsTheRegexModuleWithIgnoreCase() {
        assertEquals(List.of("'ſ"), ClipPreTokenizer.split("'ſ"));
        assertEquals(List.of("<|ſtartoftext|>"), ClipPreTokenizer.split("<|ſtartoftext|>"));
        assertEquals(List.of("x", "²", "³"), ClipPreTokenizer.split("x²³"));
        assertEquals(List.of("a", "1", "b", "2", "2"), ClipPreTokenizer.split("a1b22"));
        assertEquals(List.of("don", "'t", "!!"), ClipPreTokenizer.split("don't!!"));
        assertEquals(List.of("a", "b"), ClipPreTokenizer.split("a\u0345b"));
        assertEquals(List.of("𝐀𝐁c"), ClipPreTokenizer.split("𝐀𝐁c"));
    }
}
