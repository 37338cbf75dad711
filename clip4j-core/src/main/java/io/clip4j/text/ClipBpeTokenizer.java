package io.clip4j.text;

import io.clip4j.weights.ModelFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The CLIP text tokenizer: OpenAI's {@code simple_tokenizer} (byte-level BPE over ftfy-cleaned,
 * lower-cased text) and {@code clip.tokenize}, reproduced exactly.
 *
 * <p>{@link #encode} gives the same ids as {@code SimpleTokenizer().encode(text)};
 * {@link #encodeForModel(String, boolean)} the same row as {@code clip.tokenize(text, context_length,
 * truncate)}: start of text, the ids, end of text, zero padding, and with truncation the sequence is cut
 * to the context length with its last id forced to end of text.
 *
 * <p>The same class serves Hugging Face CLIP checkpoints ({@code vocab.json} + {@code merges.txt}, or
 * {@code tokenizer.json}), whose tokenizer follows the same algorithm.
 *
 * <p>Instances are immutable and thread-safe; encoded words are kept in a bounded shared cache.
 */
public final class ClipBpeTokenizer implements Tokenizer {

    /** The context length of all released CLIP models. */
    public static final int DEFAULT_CONTEXT_LENGTH = 77;

    private static final String BUNDLED_VOCABULARY = "bpe_simple_vocab_16e6.txt.gz";

    private final BpeModel model;
    private final int contextLength;
    private final int sot;
    private final int eot;

    private ClipBpeTokenizer(BpeModel model, int contextLength, String source) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("context length must be at least 2, got " + contextLength);
        }
        Integer sotId = model.id(BpeFiles.SOT);
        Integer eotId = model.id(BpeFiles.EOT);
        if (sotId == null || eotId == null) {
            throw new ModelFormatException(source + ": the vocabulary lacks " + (sotId == null ? BpeFiles.SOT : BpeFiles.EOT));
        }
        this.model = model;
        this.contextLength = contextLength;
        this.sot = sotId;
        this.eot = eotId;
    }

    private static final class Bundled {
        static final ClipBpeTokenizer INSTANCE = load();

        private static ClipBpeTokenizer load() {
            try (InputStream in = ClipBpeTokenizer.class.getResourceAsStream(BUNDLED_VOCABULARY)) {
                if (in == null) {
                    throw new IllegalStateException("bundled resource io/clip4j/text/" + BUNDLED_VOCABULARY + " is missing");
                }
                return new ClipBpeTokenizer(BpeFiles.openAi(in, BUNDLED_VOCABULARY), DEFAULT_CONTEXT_LENGTH,
                        BUNDLED_VOCABULARY);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read bundled " + BUNDLED_VOCABULARY, e);
            }
        }
    }

    /**
     * The tokenizer of OpenAI's CLIP models, with the vocabulary shipped in this library and a context
     * length of 77. The instance is shared and loaded on first use.
     *
     * @return the shared tokenizer
     */
    public static ClipBpeTokenizer bundled() {
        return Bundled.INSTANCE;
    }

    /**
     * A tokenizer from a Hugging Face CLIP checkpoint's {@code vocab.json} (token to id) and
     * {@code merges.txt} (an optional "#version" header, then one "a b" merge per line, by rank).
     *
     * @param vocabJson the vocabulary file
     * @param mergesTxt the merges file
     * @param contextLength the sequence length of {@link #encodeForModel} (at least 2)
     * @return the tokenizer
     * @throws IOException if a file cannot be read
     * @throws ModelFormatException if a file is malformed (the message names the file and the problem)
     */
    public static ClipBpeTokenizer fromVocabAndMerges(Path vocabJson, Path mergesTxt, int contextLength)
            throws IOException {
        return new ClipBpeTokenizer(BpeFiles.huggingFace(vocabJson, mergesTxt), contextLength, vocabJson.toString());
    }

    /**
     * A tokenizer from a Hugging Face {@code tokenizer.json} with a BPE model: {@code model.vocab} maps
     * tokens to ids and {@code model.merges} lists merges as "a b" strings or ["a", "b"] pairs.
     *
     * @param tokenizerJson the tokenizer file
     * @param contextLength the sequence length of {@link #encodeForModel} (at least 2)
     * @return the tokenizer
     * @throws IOException if the file cannot be read
     * @throws ModelFormatException if the file is malformed (the message names the file and the problem)
     */
    public static ClipBpeTokenizer fromTokenizerJson(Path tokenizerJson, int contextLength) throws IOException {
        return new ClipBpeTokenizer(BpeFiles.huggingFaceTokenizerJson(tokenizerJson), contextLength,
                tokenizerJson.toString());
    }

    /**
     * This tokenizer with another context length (the vocabulary and cache are shared).
     *
     * @param newContextLength the sequence length of {@link #encodeForModel} (at least 2)
     * @return a tokenizer with that context length
     */
    public ClipBpeTokenizer withContextLength(int newContextLength) {
        return newContextLength == contextLength ? this : new ClipBpeTokenizer(model, newContextLength, "vocabulary");
    }

    /** @return the id of {@code <|startoftext|>} */
    public int sotId() {
        return sot;
    }

    /** @return the id of {@code <|endoftext|>} */
    public int eotId() {
        return eot;
    }

    /** @return the number of tokens in the vocabulary */
    public int vocabSize() {
        return model.vocabSize();
    }

    /** The token string of an id (byte-level characters, "&lt;/w&gt;" ending a word), or null. */
    String vocabToken(int id) {
        return model.token(id);
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    /**
     * The ids of a text without start/end tokens, as {@code SimpleTokenizer().encode(text)}: the text is
     * cleaned ({@link ClipTextCleaner#clean}), split into words, and each word's UTF-8 bytes are merged
     * by BPE. A literal "&lt;|startoftext|&gt;" or "&lt;|endoftext|&gt;" in the text becomes its
     * special id. The empty text gives no ids.
     */
    @Override
    public int[] encode(String text) {
        return encodeCleaned(ClipTextCleaner.clean(text));
    }

    /** The ids of text that is already cleaned (the reference's loop over {@code re.findall}). */
    int[] encodeCleaned(String cleaned) {
        int[] ids = new int[Math.max(16, cleaned.length() / 2)];
        int count = 0;
        for (String word : ClipPreTokenizer.split(cleaned)) {
            int[] wordIds;
            if (word.equals(BpeFiles.SOT)) {
                wordIds = new int[] {sot};
            } else if (word.equals(BpeFiles.EOT)) {
                wordIds = new int[] {eot};
            } else {
                wordIds = model.encodeWord(word.getBytes(StandardCharsets.UTF_8));
            }
            if (count + wordIds.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(ids.length * 2, count + wordIds.length));
            }
            System.arraycopy(wordIds, 0, ids, count, wordIds.length);
            count += wordIds.length;
        }
        return Arrays.copyOf(ids, count);
    }

    /**
     * The model input row for a text, as {@code clip.tokenize(text, context_length, truncate)[0]}.
     *
     * @throws TextTooLongException if the text needs more than {@link #contextLength()} tokens
     *     (counting start and end of text) and {@code truncate} is false
     */
    @Override
    public long[] encodeForModel(String text, boolean truncate) {
        int[] ids = encode(text);
        int total = ids.length + 2;
        if (total > contextLength && !truncate) {
            throw new TextTooLongException("text has " + total + " tokens (including start and end of text), more than"
                    + " the context length of " + contextLength + ": " + abbreviate(text));
        }
        long[] row = new long[contextLength];
        row[0] = sot;
        int n = Math.min(ids.length, contextLength - 2);
        for (int i = 0; i < n; i++) {
            row[i + 1] = ids[i];
        }
        // Truncation keeps the first contextLength tokens and overwrites the last one with end of text.
        row[Math.min(total, contextLength) - 1] = eot;
        return row;
    }

    /**
     * The text of a sequence of ids, as {@code SimpleTokenizer().decode}: the bytes of the tokens,
     * decoded as UTF-8 (invalid sequences become U+FFFD), with every "&lt;/w&gt;" turned into a space.
     *
     * @throws IllegalArgumentException if an id is not in the vocabulary
     */
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            String token = model.token(id);
            if (token == null) {
                throw new IllegalArgumentException("token id " + id + " is not in the vocabulary");
            }
            for (int i = 0; i < token.length(); i++) {
                int b = byteOf(token.charAt(i));
                if (b < 0) {
                    throw new IllegalArgumentException("token id " + id + " (\"" + token
                            + "\") has a character outside the byte alphabet");
                }
                bytes.write(b);
            }
        }
        return FtfyCodecs.decodeUtf8Replacing(bytes.toByteArray()).replace(BpeModel.END_OF_WORD, " ");
    }

    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BpeModel.BYTE_TO_CHAR[b]] = b;
        }
    }

    private static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    private static String abbreviate(String text) {
        if (text.length() <= 60) {
            return "\"" + text + "\"";
        }
        int cut = Character.isHighSurrogate(text.charAt(56)) ? 56 : 57;
        return "\"" + text.substring(0, cut) + "...\"";
    }
}
