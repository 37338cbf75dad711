package io.clip4j.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits cleaned text into the words the BPE works on, exactly like the reference's
 * {@code regex.findall} with the pattern
 * <pre>{@code <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+}</pre>
 * compiled with IGNORECASE by the {@code regex} module.
 *
 * <p>The alternatives are tried in order at each position; where none matches (white space, and the
 * few characters that are in no class) one character is skipped. Letters are matched under the
 * module's simple case folding, so for example "'ſ" (long s) counts as the contraction "'s". The
 * character classes come from the module itself (see {@link PythonText}), so runs of letters, the
 * one-digit numbers and punctuation runs are cut where the reference cuts them, including for
 * supplementary characters.
 */
final class ClipPreTokenizer {

    private ClipPreTokenizer() {}

    private static final String[] SPECIALS = {"<|startoftext|>", "<|endoftext|>"};
    private static final String[] CONTRACTIONS = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};

    /** The words of {@code text}, in order. */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = matchAt(text, i);
            if (end > i) {
                words.add(text.substring(i, end));
                i = end;
            } else {
                i += Character.charCount(text.codePointAt(i));
            }
        }
        return words;
    }

    /** The end of the match at {@code i}, or {@code i} when no alternative matches there. */
    private static int matchAt(String text, int i) {
        for (String literal : SPECIALS) {
            int end = matchLiteral(text, i, literal);
            if (end > i) {
                return end;
            }
        }
        for (String literal : CONTRACTIONS) {
            int end = matchLiteral(text, i, literal);
            if (end > i) {
                return end;
            }
        }
        int cp = text.codePointAt(i);
        if (PythonText.REGEX_LETTER_I.contains(cp)) {
            return runOf(text, i, PythonText.REGEX_LETTER_I);
        }
        if (PythonText.REGEX_NUMBER_I.contains(cp)) {
            return i + Character.charCount(cp);
        }
        if (PythonText.REGEX_OTHER_I.contains(cp)) {
            return runOf(text, i, PythonText.REGEX_OTHER_I);
        }
        return i;
    }

    private static int runOf(String text, int i, CodePointSet set) {
        int j = i;
        while (j < text.length()) {
            int cp = text.codePointAt(j);
            if (!set.contains(cp)) {
                break;
            }
            j += Character.charCount(cp);
        }
        return j;
    }

    /** Case-insensitive match of an ASCII literal at {@code i}: the end index, or {@code i}. */
    private static int matchLiteral(String text, int i, String literal) {
        int j = i;
        for (int k = 0; k < literal.length(); k++) {
            if (j >= text.length()) {
                return i;
            }
            int cp = text.codePointAt(j);
            char want = literal.charAt(k);
            boolean ok = Character.isLetter(want) ? PythonText.regexEqualsIgnoreCase(cp, want) : cp == want;
            if (!ok) {
                return i;
            }
            j += Character.charCount(cp);
        }
        return j;
    }
}
