package io.clip4j.text;

/**
 * A port of {@code ftfy.fix_text} from ftfy 6.3.1 ("fixes text for you", by Robyn Speer; Apache License
 * 2.0, see {@code io/clip4j/text/LICENSE-ftfy.txt}) with its whole default configuration, as the CLIP
 * tokenizer runs it on every input.
 *
 * <p>The fixes, applied repeatedly to each line until the line stops changing:
 * <ol>
 *   <li>decode HTML entities ({@code &amp;}, {@code &eacute;}, {@code &#x2019;}...), unless a
 *       literal '&lt;' shows the text is HTML (from that line on);</li>
 *   <li>detect mojibake with ftfy's "badness" heuristic and re-decode it (UTF-8 read as Latin-1,
 *       Windows-1252 and other single-byte code pages, including spaces that were once U+00A0,
 *       sequences partly lost to U+FFFD, and mojibake embedded in otherwise fine text);</li>
 *   <li>replace C1 controls with their Windows-1252 meaning;</li>
 *   <li>take apart Latin ligatures, normalise fullwidth/halfwidth forms, straighten curly quotes,
 *       unify line breaks, repair UTF-16 surrogates, remove terminal escapes and useless control
 *       characters;</li>
 *   <li>normalise to NFC.</li>
 * </ol>
 *
 * <p>The results match ftfy run on CPython 3.11. All methods are thread-safe.
 */
public final class Ftfy {

    /** ftfy fixes text in segments (lines) of at most this many code points. */
    static final int MAX_DECODE_LENGTH = 1_000_000;

    private Ftfy() {}

    /**
     * {@code ftfy.fix_text(text)}: fixes mojibake, HTML entities and other glitches, line by line.
     *
     * @param text any text (not null)
     * @return the fixed text
     */
    public static String fixText(String text) {
        boolean unescapeHtml = true;
        StringBuilder out = new StringBuilder(text.length());
        int pos = 0;
        while (pos < text.length()) {
            int lineBreak = text.indexOf('\n', pos);
            int end = lineBreak < 0 ? text.length() : lineBreak + 1;
            if (text.codePointCount(pos, end) > MAX_DECODE_LENGTH) {
                end = text.offsetByCodePoints(pos, MAX_DECODE_LENGTH);
            }
            String segment = text.substring(pos, end);
            // "auto": once a segment contains '<', the text is taken to be HTML and entities are kept,
            // for this segment and all later ones.
            if (unescapeHtml && segment.indexOf('<') >= 0) {
                unescapeHtml = false;
            }
            out.append(fixSegment(segment, unescapeHtml));
            pos = end;
        }
        return out.toString();
    }

    /**
     * {@code ftfy.fix_text_segment(text)}: applies the fixes to the text as one segment.
     *
     * @param text any text (not null)
     * @return the fixed text
     */
    public static String fixTextSegment(String text) {
        return fixSegment(text, text.indexOf('<') < 0);
    }

    /** {@code fix_and_explain} without the explanation: the fix loop, until the text is stable. */
    private static String fixSegment(String text, boolean unescapeHtml) {
        while (true) {
            String orig = text;
            if (unescapeHtml) {
                text = FtfyFixes.unescapeHtml(text);
            }
            text = fixEncoding(text);
            text = FtfyFixes.fixC1Controls(text);
            text = FtfyFixes.fixLatinLigatures(text);
            text = FtfyFixes.fixCharacterWidth(text);
            text = FtfyFixes.uncurlQuotes(text);
            text = FtfyFixes.fixLineBreaks(text);
            text = FtfyFixes.fixSurrogates(text);
            text = FtfyFixes.removeTerminalEscapes(text);
            text = FtfyFixes.removeControlChars(text);
            text = PythonText.nfc(text);
            if (text.equals(orig)) {
                return text;
            }
        }
    }

    /**
     * {@code ftfy.fix_encoding(text)}: only the steps that detect mojibake and re-decode it, repeated
     * until the text stops changing.
     *
     * @param text any text (not null)
     * @return the text with its mojibake fixed
     */
    public static String fixEncoding(String text) {
        while (true) {
            String prev = text;
            text = fixEncodingOneStep(text);
            if (text.equals(prev)) {
                return text;
            }
        }
    }

    /**
     * Whether ftfy's heuristic finds anything that looks like mojibake in the text ({@code is_bad}).
     *
     * @param text any text (not null)
     * @return true if some unlikely sequence of characters occurs
     */
    public static boolean isBad(String text) {
        return FtfyBadness.isBad(text);
    }

    private static String fixEncodingOneStep(String text) {
        if (text.isEmpty() || FtfyCodecs.isAscii(text) || !FtfyBadness.isBad(text)) {
            return text;
        }
        boolean latin1Possible = false;
        // UTF-8 decoded with a single-byte encoding: when that can be undone it is usually right.
        for (FtfyCodecs.Charmap encoding : FtfyCodecs.CHARMAP_ENCODINGS) {
            if (!encoding.canEncode(text)) {
                continue;
            }
            latin1Possible |= encoding == FtfyCodecs.LATIN_1;
            String bytes = encoding.encode(text);
            if (!encoding.name.equals("macroman") && FtfyCharData.ALTERED_UTF8_RE.matcher(bytes).find()) {
                // Not in MacRoman, where it would match an en dash followed by a space.
                bytes = FtfyFixes.restoreByteA0(bytes);
            }
            if (encoding.name.startsWith("sloppy")) {
                bytes = FtfyFixes.replaceLossySequences(bytes);
            }
            String fixed = bytes.indexOf(0xED) >= 0 || bytes.indexOf(0xC0) >= 0
                    ? FtfyCodecs.decodeUtf8Variants(bytes)
                    : FtfyCodecs.decodeUtf8(bytes);
            if (fixed != null) {
                return fixed;
            }
        }
        // Mojibake that remains in places, with no consistent way to re-decode the whole string.
        if (FtfyCharData.findUtf8Mojibake(text, 0) != null) {
            String fixed = FtfyFixes.decodeInconsistentUtf8(text);
            if (!fixed.equals(text)) {
                return fixed;
            }
        }
        // Latin-1 that was meant to be Windows-1252. (ftfy's test for "windows-1252" among the possible
        // encodings can never succeed, since it only tries the sloppy variant, so this is all there is.)
        if (latin1Possible) {
            String fixed = FtfyCodecs.WINDOWS_1252.decode(FtfyCodecs.LATIN_1.encode(text));
            if (fixed != null && !fixed.equals(text)) {
                return fixed;
            }
        }
        if (FtfyCharData.C1_CONTROL_RE.matcher(text).find()) {
            return FtfyFixes.fixC1Controls(text);
        }
        return text;
    }
}
