package io.clip4j.text;

/**
 * The text normalisation of OpenAI's CLIP tokenizer ({@code simple_tokenizer.py}): what the BPE
 * actually sees.
 *
 * <p>{@code whitespace_clean(basic_clean(text)).lower()}, where {@code basic_clean} is
 * {@code ftfy.fix_text}, {@code html.unescape} twice and {@code strip()}, and
 * {@code whitespace_clean} collapses runs of white space to one space and strips again. Every step
 * follows the Python semantics of the reference (CPython 3.11 and the {@code regex} module), down to
 * which characters count as white space and how {@code str.lower()} maps them.
 */
public final class ClipTextCleaner {

    private ClipTextCleaner() {}

    /**
     * The cleaned, lower-cased text the CLIP BPE tokenizer splits into words.
     *
     * @param text any text (not null)
     * @return the text after ftfy, HTML unescaping, white-space collapsing and lower-casing
     */
    public static String clean(String text) {
        return PythonText.lower(whitespaceClean(basicClean(text)));
    }

    /** {@code basic_clean}: ftfy, then {@code html.unescape} twice, then {@code strip()}. */
    static String basicClean(String text) {
        String fixed = Ftfy.fixText(text);
        return PythonText.strip(PythonHtml.unescape(PythonHtml.unescape(fixed)));
    }

    /** {@code whitespace_clean}: every run of {@code regex}'s {@code \s} becomes one space; then strip. */
    static String whitespaceClean(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean inSpace = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (PythonText.REGEX_SPACE.contains(cp)) {
                if (!inSpace) {
                    sb.append(' ');
                    inSpace = true;
                }
            } else {
                sb.appendCodePoint(cp);
                inSpace = false;
            }
            i += Character.charCount(cp);
        }
        return PythonText.strip(sb.toString());
    }
}
