package io.clip4j.text.spm;

/** The kind of a vocabulary entry, as {@code ModelProto.SentencePiece.Type} defines it. */
public enum PieceType {
    /** An ordinary piece produced by segmentation. */
    NORMAL,
    /** The unknown piece ({@code <unk>}); a model has exactly one. */
    UNKNOWN,
    /** A control symbol such as {@code <s>}, {@code </s>} or {@code <pad>}: never produced from text. */
    CONTROL,
    /** A user-defined symbol: always kept as one piece, never normalized. */
    USER_DEFINED,
    /** A piece that exists in the vocabulary but is never emitted. */
    UNUSED,
    /** A byte piece {@code <0xXX>} used by byte fallback. */
    BYTE;

    /** The enum for the protobuf wire value, or {@code null} if the value is not a known type. */
    static PieceType fromWire(long value) {
        return switch ((int) Math.min(value, Integer.MAX_VALUE)) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> null;
        };
    }
}
