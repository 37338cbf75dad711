package io.clip4j.text.spm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes protobuf wire format for synthetic {@code ModelProto}s in tests. */
final class ModelProtoWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ModelProtoWriter varint(int field, long value) {
        tag(field, 0);
        rawVarint(value);
        return this;
    }

    ModelProtoWriter fixed32(int field, int value) {
        tag(field, 5);
        for (int i = 0; i < 4; i++) {
            out.write(value >>> (8 * i));
        }
        return this;
    }

    ModelProtoWriter bytes(int field, byte[] value) {
        tag(field, 2);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    ModelProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ModelProtoWriter message(int field, ModelProtoWriter sub) {
        return bytes(field, sub.toByteArray());
    }

    /** A {@code pieces} entry: piece, score, type (wire value, 1 = NORMAL ... 6 = BYTE). */
    ModelProtoWriter piece(String piece, float score, int type) {
        return message(1, new ModelProtoWriter().string(1, piece).fixed32(2, Float.floatToIntBits(score)).varint(3, type));
    }

    /** Appends bytes as they are (to write malformed data). */
    ModelProtoWriter raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wire) {
        rawVarint((long) field << 3 | wire);
    }

    private void rawVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
