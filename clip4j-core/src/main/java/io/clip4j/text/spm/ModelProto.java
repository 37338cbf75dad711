package io.clip4j.text.spm;

import io.clip4j.weights.ModelFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a serialized {@code sentencepiece.ModelProto} that encoding and decoding use.
 *
 * <p>Field numbers follow {@code sentencepiece_model.proto}. Fields this library does not use (training
 * options, self-test data, extensions) are skipped by wire type. A message field that occurs twice is
 * merged, as protobuf does.
 */
record ModelProto(List<Piece> pieces, Trainer trainer, Normalization normalizer, Normalization denormalizer) {

    /** One vocabulary entry. */
    record Piece(byte[] piece, float score, PieceType type) {}

    /** The {@code TrainerSpec} fields that affect encoding and decoding; defaults as in the schema. */
    record Trainer(ModelType modelType, boolean treatWhitespaceAsSuffix, boolean allowWhitespaceOnlyPieces,
                   boolean byteFallback, byte[] unkSurface, String unkPiece, String bosPiece, String eosPiece,
                   String padPiece) {}

    /** A {@code NormalizerSpec}; defaults as in the schema. */
    record Normalization(String name, byte[] precompiledCharsmap, boolean addDummyPrefix,
                         boolean removeExtraWhitespaces, boolean escapeWhitespaces) {}

    // U+2047 DOUBLE QUESTION MARK between spaces: TrainerSpec.unk_surface's default.
    private static final byte[] DEFAULT_UNK_SURFACE = " \u2047 ".getBytes(StandardCharsets.UTF_8);

    static ModelProto parse(byte[] data, String source) {
        ProtoReader in = new ProtoReader(data, 0, data.length, source);
        List<Piece> pieces = new ArrayList<>();
        TrainerBuilder trainer = new TrainerBuilder();
        NormalizationBuilder normalizer = new NormalizationBuilder();
        NormalizationBuilder denormalizer = null;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case 1 -> {
                    in.expect(tag, ProtoReader.LEN, "pieces");
                    pieces.add(parsePiece(in.readMessage(), pieces.size(), source));
                }
                case 2 -> {
                    in.expect(tag, ProtoReader.LEN, "trainer_spec");
                    trainer.merge(in.readMessage(), source);
                }
                case 3 -> {
                    in.expect(tag, ProtoReader.LEN, "normalizer_spec");
                    normalizer.merge(in.readMessage());
                }
                case 5 -> {
                    in.expect(tag, ProtoReader.LEN, "denormalizer_spec");
                    if (denormalizer == null) {
                        denormalizer = new NormalizationBuilder();
                    }
                    denormalizer.merge(in.readMessage());
                }
                default -> in.skip(tag & 7);
            }
        }
        return new ModelProto(List.copyOf(pieces), trainer.build(), normalizer.build(),
                denormalizer == null ? null : denormalizer.build());
    }

    private static Piece parsePiece(ProtoReader in, int index, String source) {
        byte[] piece = new byte[0];
        float score = 0f;
        PieceType type = PieceType.NORMAL;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case 1 -> {
                    in.expect(tag, ProtoReader.LEN, "piece");
                    piece = in.readBytes();
                }
                case 2 -> {
                    in.expect(tag, ProtoReader.FIXED32, "score");
                    score = Float.intBitsToFloat(in.readFixed32());
                }
                case 3 -> {
                    in.expect(tag, ProtoReader.VARINT, "type");
                    long wire = in.readVarint();
                    type = PieceType.fromWire(wire);
                    if (type == null) {
                        throw new ModelFormatException(source + ": not a SentencePiece model (piece " + index
                                + " has unknown type " + wire + ")");
                    }
                }
                default -> in.skip(tag & 7);
            }
        }
        return new Piece(piece, score, type);
    }

    private static final class TrainerBuilder {
        ModelType modelType = ModelType.UNIGRAM;
        boolean treatWhitespaceAsSuffix;
        boolean allowWhitespaceOnlyPieces;
        boolean byteFallback;
        byte[] unkSurface = DEFAULT_UNK_SURFACE;
        String unkPiece = "<unk>";
        String bosPiece = "<s>";
        String eosPiece = "</s>";
        String padPiece = "<pad>";

        void merge(ProtoReader in, String source) {
            while (in.hasMore()) {
                int tag = in.readTag();
                switch (tag >>> 3) {
                    case 3 -> {
                        in.expect(tag, ProtoReader.VARINT, "trainer_spec.model_type");
                        long wire = in.readVarint();
                        modelType = ModelType.fromWire(wire);
                        if (modelType == null) {
                            throw new ModelFormatException(source + ": not a SentencePiece model (unknown model_type "
                                    + wire + ")");
                        }
                    }
                    case 24 -> treatWhitespaceAsSuffix = readBool(in, tag, "trainer_spec.treat_whitespace_as_suffix");
                    case 26 -> allowWhitespaceOnlyPieces = readBool(in, tag, "trainer_spec.allow_whitespace_only_pieces");
                    case 35 -> byteFallback = readBool(in, tag, "trainer_spec.byte_fallback");
                    case 44 -> unkSurface = readBytes(in, tag, "trainer_spec.unk_surface");
                    case 45 -> unkPiece = nonEmptyOr(readString(in, tag, "trainer_spec.unk_piece"), "<unk>");
                    case 46 -> bosPiece = nonEmptyOr(readString(in, tag, "trainer_spec.bos_piece"), "<s>");
                    case 47 -> eosPiece = nonEmptyOr(readString(in, tag, "trainer_spec.eos_piece"), "</s>");
                    case 48 -> padPiece = nonEmptyOr(readString(in, tag, "trainer_spec.pad_piece"), "<pad>");
                    default -> in.skip(tag & 7);
                }
            }
        }

        Trainer build() {
            return new Trainer(modelType, treatWhitespaceAsSuffix, allowWhitespaceOnlyPieces, byteFallback, unkSurface,
                    unkPiece, bosPiece, eosPiece, padPiece);
        }
    }

    private static final class NormalizationBuilder {
        String name = "";
        byte[] precompiledCharsmap = new byte[0];
        boolean addDummyPrefix = true;
        boolean removeExtraWhitespaces = true;
        boolean escapeWhitespaces = true;

        void merge(ProtoReader in) {
            while (in.hasMore()) {
                int tag = in.readTag();
                switch (tag >>> 3) {
                    case 1 -> name = readString(in, tag, "normalizer_spec.name");
                    case 2 -> precompiledCharsmap = readBytes(in, tag, "normalizer_spec.precompiled_charsmap");
                    case 3 -> addDummyPrefix = readBool(in, tag, "normalizer_spec.add_dummy_prefix");
                    case 4 -> removeExtraWhitespaces = readBool(in, tag, "normalizer_spec.remove_extra_whitespaces");
                    case 5 -> escapeWhitespaces = readBool(in, tag, "normalizer_spec.escape_whitespaces");
                    default -> in.skip(tag & 7);
                }
            }
        }

        Normalization build() {
            return new Normalization(name, precompiledCharsmap, addDummyPrefix, removeExtraWhitespaces,
                    escapeWhitespaces);
        }
    }

    private static boolean readBool(ProtoReader in, int tag, String field) {
        in.expect(tag, ProtoReader.VARINT, field);
        return in.readVarint() != 0;
    }

    private static byte[] readBytes(ProtoReader in, int tag, String field) {
        in.expect(tag, ProtoReader.LEN, field);
        return in.readBytes();
    }

    private static String readString(ProtoReader in, int tag, String field) {
        return new String(readBytes(in, tag, field), StandardCharsets.UTF_8);
    }

    // The C++ library falls back to the default name when the field is present but empty.
    private static String nonEmptyOr(String value, String fallback) {
        return value.isEmpty() ? fallback : value;
    }
}
