package io.clip4j.text.spm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.clip4j.text.TextTooLongException;
import io.clip4j.text.Tokenizer;
import io.clip4j.weights.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The SigLIP text tokenizer: HF {@code SiglipTokenizer} / big_vision semantics over a SentencePiece model.
 *
 * <p>Text is lower-cased (each code point on its own, as the HF tokenizer's per-character regex does it) and
 * canonicalized: ASCII punctuation (Python's {@code string.punctuation}) removed, every run of whitespace
 * (Python's {@code str.isspace} set) replaced by one space, the ends stripped. The SentencePiece encoding of
 * that text is cut to {@code contextLength - 1} ids, {@code </s>} is appended and the rest padded, which is
 * what {@code tokenizer(text, padding="max_length", truncation=True)} returns.
 *
 * <p>HF's slow tokenizer encodes {@code "<unk>" + "\u2581" + text} with the dummy prefix off and drops the
 * {@code <unk>} pieces. With a normalizer that maps U+2581 to a space (the default {@code nmt_nfkc} does), that
 * is the plain encoding of the canonical text, which is what this class computes (and what big_vision does). Not reproduced: HF treats a literal special-token
 * string in the input (e.g. {@code "</s>"}) as that token and skips the final {@code </s>} when the ids already
 * end with it; here such strings are ordinary text.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class SiglipTokenizer implements Tokenizer {

    /** SigLIP's text length ({@code model_max_length} of the released tokenizers). */
    public static final int DEFAULT_CONTEXT_LENGTH = 64;

    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private final SentencePieceModel model;
    private final int contextLength;
    private final int eosId;
    private final int padId;
    private final boolean lowerCase;

    private SiglipTokenizer(Builder b) {
        this.model = b.model;
        this.contextLength = b.contextLength;
        this.lowerCase = b.lowerCase;
        this.eosId = b.eosId != null ? b.eosId : model.eosId();
        if (eosId < 0 || eosId >= model.vocabSize()) {
            throw new IllegalArgumentException("the model has no </s> piece; set eosId explicitly");
        }
        int pad = b.padId != null ? b.padId : model.padId();
        this.padId = pad >= 0 ? pad : eosId;
        if (padId >= model.vocabSize()) {
            throw new IllegalArgumentException("padId " + padId + " is out of range [0, " + model.vocabSize() + ")");
        }
    }

    /**
     * A builder over {@code model}. Defaults: context length 64, lower-casing on, eos = the model's
     * {@code </s>}, pad = the model's {@code <pad>} (the eos id if it has none).
     */
    public static Builder builder(SentencePieceModel model) {
        return new Builder(model);
    }

    /**
     * The tokenizer of an HF SigLIP checkpoint directory: {@code spiece.model} plus, when present,
     * {@code tokenizer_config.json} ({@code model_max_length}, {@code do_lower_case}, {@code eos_token},
     * {@code pad_token}) and {@code special_tokens_map.json} (whose tokens override the config's, as HF loads
     * them). Missing values take {@code SiglipTokenizer}'s defaults: 64, lower-casing on, eos {@code "</s>"},
     * pad {@code "</s>"}.
     *
     * @throws ModelFormatException if {@code spiece.model} is missing or malformed, a JSON file is malformed, or
     *     a named special token is not in the vocabulary
     */
    public static SiglipTokenizer fromCheckpoint(Path dir) {
        Path spiece = dir.resolve("spiece.model");
        if (!Files.isRegularFile(spiece)) {
            throw new ModelFormatException(dir + ": no spiece.model (the SigLIP SentencePiece model)");
        }
        SentencePieceModel model = SentencePieceModel.load(spiece);
        JsonNode config = readJson(dir.resolve("tokenizer_config.json"));
        JsonNode specialTokens = readJson(dir.resolve("special_tokens_map.json"));
        Builder b = builder(model);
        JsonNode maxLength = config.get("model_max_length");
        // HF writes a huge sentinel (1e30) for "no limit"; SigLIP has a fixed text length, so keep the default then.
        if (maxLength != null && maxLength.isIntegralNumber() && maxLength.canConvertToInt() && maxLength.intValue() > 1) {
            b.contextLength(maxLength.intValue());
        }
        JsonNode lower = config.get("do_lower_case");
        if (lower != null && lower.isBoolean()) {
            b.lowerCase(lower.booleanValue());
        }
        String eos = tokenContent(specialTokens, config, "eos_token", "</s>");
        String pad = tokenContent(specialTokens, config, "pad_token", "</s>");
        b.eosId(requirePiece(model, eos, spiece));
        b.padId(requirePiece(model, pad, spiece));
        return b.build();
    }

    /** Settings for a {@link SiglipTokenizer}. */
    public static final class Builder {
        private final SentencePieceModel model;
        private int contextLength = DEFAULT_CONTEXT_LENGTH;
        private boolean lowerCase = true;
        private Integer eosId;
        private Integer padId;

        private Builder(SentencePieceModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** The fixed length of {@link #encodeForModel}; at least 1 (room for {@code </s>}). */
        public Builder contextLength(int contextLength) {
            if (contextLength < 1) {
                throw new IllegalArgumentException("contextLength must be at least 1, got " + contextLength);
            }
            this.contextLength = contextLength;
            return this;
        }

        /** Whether text is lower-cased first (HF {@code do_lower_case}, on for SigLIP). */
        public Builder lowerCase(boolean lowerCase) {
            this.lowerCase = lowerCase;
            return this;
        }

        /** The id appended after the text. */
        public Builder eosId(int eosId) {
            this.eosId = checkId(eosId, "eosId");
            return this;
        }

        /** The id that fills the sequence after {@code </s>}. */
        public Builder padId(int padId) {
            this.padId = checkId(padId, "padId");
            return this;
        }

        private int checkId(int id, String what) {
            if (id < 0 || id >= model.vocabSize()) {
                throw new IllegalArgumentException(what + " " + id + " is out of range [0, " + model.vocabSize() + ")");
            }
            return id;
        }

        /**
         * The tokenizer with these settings.
         *
         * @throws IllegalArgumentException if no eos id was set and the model has no {@code </s>} control piece
         */
        public SiglipTokenizer build() {
            return new SiglipTokenizer(this);
        }
    }

    /** The ids of the preprocessed text, without {@code </s>} or padding. */
    @Override
    public int[] encode(String text) {
        return model.encode(preprocess(text));
    }

    @Override
    public long[] encodeForModel(String text, boolean truncate) {
        int[] ids = encode(text);
        int room = contextLength - 1;
        if (ids.length > room) {
            if (!truncate) {
                throw new TextTooLongException("text has " + ids.length + " tokens plus </s>, more than the context length "
                        + contextLength);
            }
            ids = Arrays.copyOf(ids, room);
        }
        long[] out = new long[contextLength];
        Arrays.fill(out, padId);
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        out[ids.length] = eosId;
        return out;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    /** The id appended after the text. */
    public int eosId() {
        return eosId;
    }

    /** The padding id. */
    public int padId() {
        return padId;
    }

    /** The underlying SentencePiece model. */
    /** The same tokenizer with another fixed text length (the model's {@code max_position_embeddings}). */
    public SiglipTokenizer withContextLength(int newContextLength) {
        return builder(model).contextLength(newContextLength).lowerCase(lowerCase).eosId(eosId).padId(padId).build();
    }

    public SentencePieceModel model() {
        return model;
    }

    /** The text SentencePiece encodes: lower-cased when configured, then {@link #canonicalize canonicalized}. */
    public String preprocess(String text) {
        return canonicalize(lowerCase ? lowerCase(text) : text);
    }

    /**
     * big_vision's / HF's {@code canonicalize_text}: removes the ASCII punctuation characters
     * {@code !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~}, replaces each run of whitespace by one space and strips both
     * ends.
     */
    public static String canonicalize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean inSpace = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80 && PUNCTUATION.indexOf(cp) >= 0) {
                continue;
            }
            if (isPythonSpace(cp)) {
                inSpace = true;
                continue;
            }
            // A whitespace run becomes one space, except at the ends, which strip() would remove.
            if (inSpace && !out.isEmpty()) {
                out.append(' ');
            }
            inSpace = false;
            out.appendCodePoint(cp);
        }
        return out.toString();
    }

    /**
     * Lower-cases each code point separately with full (Unicode SpecialCasing) mappings: HF applies
     * {@code str.lower()} to one character at a time, so a final capital sigma becomes σ, not ς.
     */
    static String lowerCase(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            if (cp < 0x80) {
                out.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
            } else {
                out.append(text.substring(i, i + n).toLowerCase(Locale.ROOT));
            }
            i += n;
        }
        return out.toString();
    }

    /** Python's {@code str.isspace()} (and {@code \s} in a str regex): Unicode White_Space-like set of CPython. */
    static boolean isPythonSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = new ObjectMapper().readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new ModelFormatException(file + ": expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be read", e);
        }
    }

    // A token is either a string or an AddedToken object {"content": ..., ...}.
    private static String tokenContent(JsonNode specialTokens, JsonNode config, String key, String fallback) {
        for (JsonNode source : new JsonNode[] {specialTokens, config}) {
            JsonNode v = source.get(key);
            if (v != null && v.isTextual()) {
                return v.textValue();
            }
            if (v != null && v.isObject() && v.path("content").isTextual()) {
                return v.path("content").textValue();
            }
        }
        return fallback;
    }

    private static int requirePiece(SentencePieceModel model, String piece, Path spiece) {
        int id = model.pieceToId(piece);
        if (id == model.unkId() && !piece.equals(model.idToPiece(id))) {
            throw new ModelFormatException(spiece + ": special token '" + piece + "' is not in the vocabulary");
        }
        return id;
    }
}
