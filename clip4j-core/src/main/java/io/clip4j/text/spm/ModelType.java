package io.clip4j.text.spm;

/** The segmentation algorithm of a SentencePiece model ({@code TrainerSpec.ModelType}). */
public enum ModelType {
    /** Unigram language model: the best segmentation by Viterbi over piece scores. */
    UNIGRAM,
    /** Byte-pair encoding: greedy merges ordered by piece score. */
    BPE,
    /** Whitespace-delimited words. */
    WORD,
    /** One piece per character. */
    CHAR;

    /** The enum for the protobuf wire value, or {@code null} if the value is not a known type. */
    static ModelType fromWire(long value) {
        return switch ((int) Math.min(value, Integer.MAX_VALUE)) {
            case 1 -> UNIGRAM;
            case 2 -> BPE;
            case 3 -> WORD;
            case 4 -> CHAR;
            default -> null;
        };
    }
}
