package io.clip4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The examples in ftfy 6.3.1's docstrings ({@code ftfy/__init__.py}, {@code ftfy/fixes.py},
 * {@code ftfy/bad_codecs/*.py}) and the behaviour its documentation describes.
 */
class FtfyDoctestsTest {

    @Test
    void fixTextExamples() {
        assertEquals("✔ No problems", Ftfy.fixText("âœ” No problems"));
        assertEquals("¯\\_(ツ)_/¯", Ftfy.fixText("&macr;\\_(ã\u0083\u0084)_/&macr;"));
        assertEquals("LOUD NOISES", Ftfy.fixText("ＬＯＵＤ　ＮＯＩＳＥＳ"));
    }

    @Test
    void fixEncodingExamples() {
        assertEquals("ó", Ftfy.fixEncoding("Ã³"));
        assertEquals("&ATILDE;&SUP3;", Ftfy.fixEncoding("&ATILDE;&SUP3;"));
        assertEquals("só", Ftfy.fixEncoding("sÃ³"));
        assertEquals("voilà le travail", Ftfy.fixEncoding("voilÃ le travail"));
        assertEquals("schön", Ftfy.fixText("schÃ¶n"));
    }

    @Test
    void unescapeHtmlExamples() {
        assertEquals("<tag>", FtfyFixes.unescapeHtml("&lt;tag&gt;"));
        assertEquals("𝒥ohn ℋancock", FtfyFixes.unescapeHtml("&Jscr;ohn &HilbertSpace;ancock"));
        assertEquals("✓", FtfyFixes.unescapeHtml("&checkmark;"));
        assertEquals("Pérez", FtfyFixes.unescapeHtml("P&eacute;rez"));
        assertEquals("PÉREZ", FtfyFixes.unescapeHtml("P&EACUTE;REZ"));
        assertEquals("BUNDESSTRASSE", FtfyFixes.unescapeHtml("BUNDESSTRA&SZLIG;E"));
        assertEquals("ñ Ñ Ñ &nTILDE;", FtfyFixes.unescapeHtml("&ntilde; &Ntilde; &NTILDE; &nTILDE;"));
    }

    @Test
    void entitiesWithoutSemicolonAreLeftAlone() {
        // The unescape_html docstring: "this&not that" should not become "this¬ that".
        assertEquals("this&not that", FtfyFixes.unescapeHtml("this&not that"));
        assertEquals("this&not that", Ftfy.fixText("this&not that"));
    }

    @Test
    void htmlIsDetectedByALiteralLessThanSign() {
        // unescape_html "auto": disabled when a literal '<' shows that the input is HTML.
        assertEquals("HTML entities <3", Ftfy.fixText("HTML entities &lt;3"));
        assertEquals("<em>HTML entities &lt;3</em>", Ftfy.fixText("<em>HTML entities &lt;3</em>"));
    }

    @Test
    void removeTerminalEscapesExample() {
        assertEquals("I'm blue, da ba dee da ba doo...",
                FtfyFixes.removeTerminalEscapes("\u001b[36;44mI'm blue, da ba dee da ba doo...\u001b[0m"));
    }

    @Test
    void uncurlQuotesExample() {
        assertEquals("\"here's a test\"", FtfyFixes.uncurlQuotes("\u201chere\u2019s a test\u201d"));
    }

    @Test
    void fixLatinLigaturesExample() {
        assertEquals("fluffiest", FtfyFixes.fixLatinLigatures("ﬂuﬃeﬆ"));
    }

    @Test
    void fixCharacterWidthExamples() {
        assertEquals("LOUD NOISES", FtfyFixes.fixCharacterWidth("ＬＯＵＤ　ＮＯＩＳＥＳ"));
        assertEquals("Uターン", FtfyFixes.fixCharacterWidth("Ｕﾀｰﾝ"));
    }

    @Test
    void fixLineBreaksExamples() {
        assertEquals("This string is made of two things:\n1. Unicode\n2. Spite",
                FtfyFixes.fixLineBreaks("This string is made of two things:\u20291. Unicode\u20282. Spite"));
        assertEquals("Content-type: text/plain\n\nHi.", FtfyFixes.fixLineBreaks("Content-type: text/plain\r\n\r\nHi."));
        assertEquals("This is how Microsoft \n trolls Mac users",
                FtfyFixes.fixLineBreaks("This is how Microsoft \r trolls Mac users"));
        assertEquals("What is this \n I don't even", FtfyFixes.fixLineBreaks("What is this \u0085 I don't even"));
    }

    @Test
    void fixSurrogatesExamples() {
        String high = String.valueOf((char) 0xd83d);
        String low = String.valueOf((char) 0xdca9);
        assertEquals("💩", FtfyFixes.fixSurrogates(high + low));
        assertEquals("\ufffd\ufffd", FtfyFixes.fixSurrogates(low + high));
        assertEquals("\ufffd", Ftfy.fixText(high));
    }

    @Test
    void removeControlCharsRemovesWhatItsDocstringLists() {
        for (int cp : new int[] {0x00, 0x08, 0x0B, 0x0E, 0x1F, 0x7F, 0x206A, 0x206F, 0xFEFF, 0xFFF9, 0xFFFB, 0xFFFC}) {
            assertEquals("ab", FtfyFixes.removeControlChars("a" + Character.toString(cp) + "b"), Integer.toHexString(cp));
        }
        for (int cp : new int[] {0x09, 0x0A, 0x0C, 0x0D, 0x2028, 0x2029, 0x80, 0x9F, 0x200C, 0x200F, 0x202A, 0x202E,
            0x1D173, 0x1D17A, 0xE0041}) {
            String text = "a" + Character.toString(cp) + "b";
            assertEquals(text, FtfyFixes.removeControlChars(text), Integer.toHexString(cp));
        }
        // remove_bom's example: a byte-order mark left at the start.
        assertEquals("Where do you want to go today?", Ftfy.fixText("\ufeffWhere do you want to go today?"));
    }

    @Test
    void lossySequencesExample() {
        // replace_lossy_sequences: "â€œ like this â€�" decodes as "“ like this �".
        assertEquals("\u201c like this \ufffd", Ftfy.fixEncoding("â€œ like this â€\ufffd"));
    }

    @Test
    void sloppyWindows1252Example() {
        // bad_codecs/sloppy.py: b'\x80\x81\x82'.decode('sloppy-windows-1252') is '€', U+0081, '‚'.
        assertEquals("\u20ac\u0081\u201a", FtfyCodecs.SLOPPY_WINDOWS_1252.decode("\u0080\u0081\u0082"));
    }

    @Test
    void utf8VariantsExample() {
        // bad_codecs/utf8_variants.py: b'here comes a null! \xc0\x80'.decode('utf-8-var').
        assertEquals("here comes a null! \u0000", FtfyCodecs.decodeUtf8Variants("here comes a null! \u00c0\u0080"));
        // CESU-8: the surrogate pair D83D DE00 encoded as two three-byte sequences.
        assertEquals("😀", FtfyCodecs.decodeUtf8Variants("\u00ed\u00a0\u00bd\u00ed\u00b8\u0080"));
    }

    @Test
    void badnessHeuristic() {
        assertTrue(Ftfy.isBad("âœ” No problems"));
        assertFalse(Ftfy.isBad("I'm not such a fan of Charlotte Brontë…”"));
        assertFalse(Ftfy.isBad("plain ASCII text"));
    }

    @Test
    void fixTextIsIdempotentOnItsOutput() {
        // fix_text loops until the text is stable, so its output is a fixed point.
        for (String s : new String[] {"âœ” No problems", "ＬＯＵＤ　ＮＯＩＳＥＳ", "&amp;amp;", "HÃƒÂ´tel"}) {
            String once = Ftfy.fixText(s);
            assertEquals(once, Ftfy.fixText(once));
        }
    }
}
