package io.clip4j.text.spm;

import io.clip4j.weights.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A SentencePiece model ({@code .model} file) with the encoding and decoding of the C++ library's
 * {@code SentencePieceProcessor} (version 0.1.97, the one SigLIP tokenizers are made with): the same
 * normalization (precompiled charsmap, whitespace handling, user-defined symbols), unigram (Viterbi) and BPE
 * segmentation (also CHAR and WORD models), merging of consecutive unknown pieces, byte fallback, and
 * decoding.
 *
 * <p>Text is handled as UTF-8 exactly as the library sees it; an unpaired surrogate in a Java string is
 * treated as U+FFFD. Instances are immutable and safe to share between threads.
 */
public final class SentencePieceModel {

    // Protobuf messages are limited to 2 GiB; real models are a few MiB. Anything beyond this is not a model.
    private static final long MAX_FILE_SIZE = 1L << 30;

    private final String source;
    private final ModelType modelType;
    private final Vocabulary vocab;
    private final Normalizer normalizer;
    private final Normalizer denormalizer;
    private final Segmenter segmenter;
    private final boolean byteFallback;
    private final boolean addDummyPrefix;
    private final boolean removeExtraWhitespaces;
    private final byte[] unkSurface;
    private final int unkId;
    private final int bosId;
    private final int eosId;
    private final int padId;

    private SentencePieceModel(ModelProto proto, String source) {
        this.source = source;
        ModelProto.Trainer trainer = proto.trainer();
        this.modelType = trainer.modelType();
        this.vocab = new Vocabulary(proto, source);
        this.normalizer = new Normalizer(proto.normalizer(), trainer.treatWhitespaceAsSuffix(), vocab.userDefined, source);
        // Like the library, a denormalizer exists only when its spec carries rules.
        ModelProto.Normalization de = proto.denormalizer();
        this.denormalizer = de != null && de.precompiledCharsmap().length > 0 ? new Normalizer(de, false, null, source) : null;
        this.segmenter = switch (modelType) {
            case UNIGRAM -> new UnigramSegmenter(vocab);
            case BPE -> new BpeSegmenter(vocab);
            case CHAR -> new CharSegmenter(vocab);
            case WORD -> new WordSegmenter(vocab, trainer.treatWhitespaceAsSuffix(), trainer.allowWhitespaceOnlyPieces());
        };
        this.byteFallback = trainer.byteFallback();
        this.addDummyPrefix = proto.normalizer().addDummyPrefix();
        this.removeExtraWhitespaces = proto.normalizer().removeExtraWhitespaces();
        this.unkSurface = trainer.unkSurface();
        // The library derives the special ids from the piece names, not from the trainer's *_id fields.
        this.unkId = idIfType(trainer.unkPiece(), PieceType.UNKNOWN);
        this.bosId = idIfType(trainer.bosPiece(), PieceType.CONTROL);
        this.eosId = idIfType(trainer.eosPiece(), PieceType.CONTROL);
        this.padId = idIfType(trainer.padPiece(), PieceType.CONTROL);
    }

    /**
     * Loads a serialized {@code ModelProto} file.
     *
     * @throws ModelFormatException if the file does not exist or is not a well-formed SentencePiece model (the
     *     message names the file and the problem)
     * @throws UncheckedIOException if the file cannot be read
     */
    public static SentencePieceModel load(Path path) {
        Objects.requireNonNull(path, "path");
        byte[] data;
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_SIZE) {
                throw new ModelFormatException(path + ": not a SentencePiece model (" + size + " bytes is far too large)");
            }
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(path + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot be read", e);
        }
        return fromSerialized(data, path.toString());
    }

    /**
     * Reads a model from the bytes of a {@code .model} file.
     *
     * @param sourceName what error messages call the data, e.g. a file or resource name
     * @throws ModelFormatException if the bytes are not a well-formed SentencePiece model
     */
    public static SentencePieceModel fromSerialized(byte[] serialized, String sourceName) {
        Objects.requireNonNull(serialized, "serialized");
        String name = Objects.requireNonNull(sourceName, "sourceName");
        return new SentencePieceModel(ModelProto.parse(serialized, name), name);
    }

    /** The token ids of {@code text} ({@code SentencePieceProcessor::EncodeAsIds}); no BOS or EOS is added. */
    public int[] encode(String text) {
        return ids(encodeToSegments(Utf8.encode(text)));
    }

    /** The same as {@link #encode(String)} for text given as UTF-8 bytes; malformed bytes are handled as the library does. */
    public int[] encodeUtf8(byte[] utf8) {
        return ids(encodeToSegments(utf8));
    }

    /**
     * The pieces of {@code text} ({@code EncodeAsPieces}): vocabulary pieces, {@code <0xXX>} byte pieces, or
     * for unknown spans the normalized text itself (as the library reports them).
     */
    public List<String> encodeAsPieces(String text) {
        Encoded e = encodeToSegments(Utf8.encode(text));
        List<String> out = new ArrayList<>(e.segments.size());
        for (int i = 0; i < e.segments.size(); i++) {
            int id = e.segments.id(i);
            if (e.segments.start(i) < 0) {
                out.add(vocab.pieces[id]);
            } else {
                int start = e.segments.start(i);
                out.add(Utf8.decode(e.normalized, start, e.segments.end(i) - start));
            }
        }
        return List.copyOf(out);
    }

    /** The normalized form of {@code text} that segmentation sees, spaces shown as U+2581 when the model escapes them. */
    public String normalize(String text) {
        byte[] normalized = normalizer.normalize(Utf8.encode(text));
        return new String(normalized, StandardCharsets.UTF_8);
    }

    /**
     * The text of {@code ids} ({@code SentencePieceProcessor::DecodeIds}): control pieces vanish, the unknown
     * piece becomes the model's unk surface (" \u2047 " by default), runs of byte pieces are decoded as UTF-8
     * (malformed bytes as U+FFFD), U+2581 becomes a space and the leading space from the dummy prefix is dropped.
     *
     * @throws IllegalArgumentException if an id is outside {@code [0, vocabSize())}
     */
    public String decode(int[] ids) {
        byte[][] pieces = new byte[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= vocab.size()) {
                throw new IllegalArgumentException("Invalid id: " + id + " (vocabulary size " + vocab.size() + ")");
            }
            pieces[i] = vocab.pieceBytes[id];
        }
        return decodePieceBytes(pieces);
    }

    /** The text of a sequence of pieces ({@code DecodePieces}); a piece not in the vocabulary is copied as it is. */
    public String decodePieces(List<String> pieces) {
        byte[][] bytes = new byte[pieces.size()][];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = Utf8.encode(pieces.get(i));
        }
        return decodePieceBytes(bytes);
    }

    /** The id of {@code piece}, or {@link #unkId()} if it is not in the vocabulary. */
    public int pieceToId(String piece) {
        byte[] b = Utf8.encode(piece);
        return vocab.pieceToId(b, 0, b.length);
    }

    /**
     * The piece with id {@code id}.
     *
     * @throws IllegalArgumentException if {@code id} is outside {@code [0, vocabSize())}
     */
    public String idToPiece(int id) {
        return vocab.pieces[checkId(id)];
    }

    /** The score of piece {@code id} (a log probability for unigram models, a merge rank for BPE). */
    public float score(int id) {
        return vocab.scores[checkId(id)];
    }

    /** The type of piece {@code id}. */
    public PieceType pieceType(int id) {
        return vocab.types[checkId(id)];
    }

    /** The number of pieces; ids run from 0 to {@code vocabSize() - 1}. */
    public int vocabSize() {
        return vocab.size();
    }

    /** The id of the unknown piece. */
    public int unkId() {
        return unkId;
    }

    /** The id of the beginning-of-sentence control piece, or -1 if the model has none. */
    public int bosId() {
        return bosId;
    }

    /** The id of the end-of-sentence control piece, or -1 if the model has none. */
    public int eosId() {
        return eosId;
    }

    /** The id of the padding control piece, or -1 if the model has none. */
    public int padId() {
        return padId;
    }

    /** The model's segmentation algorithm. */
    public ModelType modelType() {
        return modelType;
    }

    /** Whether characters without a piece are encoded as {@code <0xXX>} byte pieces instead of the unknown id. */
    public boolean byteFallback() {
        return byteFallback;
    }

    @Override
    public String toString() {
        return "SentencePieceModel[" + source + ", " + modelType + ", " + vocab.size() + " pieces]";
    }

    private record Encoded(byte[] normalized, Segments segments) {}

    private static int[] ids(Encoded e) {
        int[] out = new int[e.segments.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = e.segments.id(i);
        }
        return out;
    }

    /**
     * Normalizes and segments, then post-processes as {@code PopulateSentencePieceText} does: with byte
     * fallback an unknown span becomes one byte piece per UTF-8 byte (marked by start -1 in the result),
     * otherwise consecutive unknown pieces merge into one.
     */
    private Encoded encodeToSegments(byte[] utf8) {
        byte[] normalized = normalizer.normalize(utf8);
        Segments raw = segmenter.segment(normalized);
        Segments out = new Segments();
        boolean prevUnknown = false;
        for (int i = 0; i < raw.size(); i++) {
            int id = raw.id(i);
            boolean unknown = vocab.types[id] == PieceType.UNKNOWN;
            if (unknown && byteFallback) {
                for (int p = raw.start(i); p < raw.end(i); p++) {
                    out.add(-1, -1, vocab.byteIds[normalized[p] & 0xFF]);
                }
            } else if (unknown && prevUnknown) {
                out.extendLast(raw.end(i));
            } else {
                out.add(raw.start(i), raw.end(i), id);
            }
            prevUnknown = unknown;
        }
        return new Encoded(normalized, out);
    }

    private String decodePieceBytes(byte[][] pieces) {
        int n = pieces.length;
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            // Like the library, map each piece back to an id: a piece that is both reserved and normal is reserved.
            ids[i] = vocab.pieceToId(pieces[i], 0, pieces[i].length);
        }
        ByteBuilder text = new ByteBuilder(n * 4);
        int byteStart = 0;
        boolean isBosWs = true;
        boolean bosWsSeen = false;
        for (int i = 0; i < n; i++) {
            if (vocab.types[ids[i]] == PieceType.BYTE) {
                continue;
            }
            appendBytePieces(ids, byteStart, i, text);
            if (bosWsSeen || text.size() > 0) {
                isBosWs = false;
            }
            byteStart = i + 1;
            bosWsSeen = appendPiece(pieces[i], ids[i], isBosWs, text);
        }
        appendBytePieces(ids, byteStart, n, text);
        byte[] out = text.toArray();
        if (denormalizer != null) {
            out = denormalizer.normalize(out);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Appends the surface of one non-byte piece; returns whether it consumed the dummy-prefix space. */
    private boolean appendPiece(byte[] piece, int id, boolean isBosWs, ByteBuilder text) {
        PieceType type = vocab.types[id];
        if (type == PieceType.CONTROL) {
            return false;
        }
        if (type == PieceType.UNKNOWN) {
            text.append(Arrays.equals(piece, vocab.pieceBytes[id]) ? unkSurface : piece);
            return false;
        }
        int from = 0;
        boolean hasBosWs = false;
        if (isBosWs && (addDummyPrefix || removeExtraWhitespaces)) {
            hasBosWs = startsWithSpaceSymbol(piece, 0);
            if (hasBosWs) {
                from = 3;
            }
            // With extra whitespace removed, every leading space symbol before the first visible text goes.
            if (removeExtraWhitespaces) {
                hasBosWs = false;
            }
        }
        for (int i = from; i < piece.length; ) {
            if (startsWithSpaceSymbol(piece, i)) {
                text.append((byte) ' ');
                i += 3;
            } else {
                text.append(piece[i++]);
            }
        }
        return hasBosWs;
    }

    private static boolean startsWithSpaceSymbol(byte[] s, int at) {
        return s.length - at >= 3 && s[at] == Normalizer.SPACE_SYMBOL[0] && s[at + 1] == Normalizer.SPACE_SYMBOL[1]
                && s[at + 2] == Normalizer.SPACE_SYMBOL[2];
    }

    /** Decodes the byte pieces {@code ids[from, to)} as UTF-8, each malformed byte becoming U+FFFD. */
    private void appendBytePieces(int[] ids, int from, int to, ByteBuilder text) {
        if (from >= to) {
            return;
        }
        byte[] bytes = new byte[to - from];
        for (int i = from; i < to; i++) {
            bytes[i - from] = (byte) Vocabulary.byteOfPiece(vocab.pieces[ids[i]]);
        }
        for (int off = 0; off < bytes.length; ) {
            int len = Utf8.validCharLength(bytes, off, bytes.length);
            if (len < 0) {
                text.append(Utf8.REPLACEMENT);
                off++;
            } else {
                text.append(bytes, off, len);
                off += len;
            }
        }
    }

    private int idIfType(String piece, PieceType type) {
        int id = pieceToId(piece);
        return vocab.types[id] == type ? id : -1;
    }

    private int checkId(int id) {
        if (id < 0 || id >= vocab.size()) {
            throw new IllegalArgumentException("piece id " + id + " is out of range [0, " + vocab.size() + ")");
        }
        return id;
    }
}
