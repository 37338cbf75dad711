package io.clip4j.text.spm;

import io.clip4j.weights.ModelFormatException;

/**
 * A bounds-checked reader of the protocol-buffers wire format, just enough for {@code ModelProto}.
 *
 * <p>Every read checks the remaining length first, so a truncated or hostile file ends in a
 * {@link ModelFormatException} naming the file and the byte offset, never in an index exception or a loop.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private final int limit;
    private final String source;
    private int pos;

    ProtoReader(byte[] buf, int from, int to, String source) {
        this.buf = buf;
        this.pos = from;
        this.limit = to;
        this.source = source;
    }

    boolean hasMore() {
        return pos < limit;
    }

    /** Reads a field key; returns {@code fieldNumber << 3 | wireType}. */
    int readTag() {
        int at = pos;
        long tag = readVarint();
        if (tag >>> 3 == 0 || tag > 0xFFFF_FFFFL) {
            throw malformed("invalid field key " + Long.toUnsignedString(tag), at);
        }
        return (int) tag;
    }

    long readVarint() {
        int at = pos;
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw malformed("truncated varint", at);
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes", at);
    }

    int readFixed32() {
        if (limit - pos < 4) {
            throw malformed("truncated 32-bit value", pos);
        }
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    /** Reads a length-delimited payload and returns a reader over exactly those bytes. */
    ProtoReader readMessage() {
        int length = readLength();
        ProtoReader sub = new ProtoReader(buf, pos, pos + length, source);
        pos += length;
        return sub;
    }

    byte[] readBytes() {
        int length = readLength();
        byte[] out = new byte[length];
        System.arraycopy(buf, pos, out, 0, length);
        pos += length;
        return out;
    }

    private int readLength() {
        int at = pos;
        long length = readVarint();
        if (length < 0 || length > limit - pos) {
            throw malformed("length " + Long.toUnsignedString(length) + " runs past the end of its message ("
                    + (limit - pos) + " bytes left)", at);
        }
        return (int) length;
    }

    /** Skips a field of an unused number; groups (wire types 3 and 4) never occur in model files. */
    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> advance(8);
            case LEN -> advance(readLength());
            case FIXED32 -> advance(4);
            default -> throw malformed("unsupported wire type " + wireType, pos);
        }
    }

    /** Fails unless a known field arrived with the wire type its schema declares. */
    void expect(int tag, int wireType, String field) {
        if ((tag & 7) != wireType) {
            throw malformed(field + " has wire type " + (tag & 7) + ", expected " + wireType, pos);
        }
    }

    private void advance(int n) {
        if (limit - pos < n) {
            throw malformed("truncated field", pos);
        }
        pos += n;
    }

    ModelFormatException malformed(String problem, int at) {
        return new ModelFormatException(source + ": not a SentencePiece model (" + problem + " at byte " + at + ")");
    }
}
