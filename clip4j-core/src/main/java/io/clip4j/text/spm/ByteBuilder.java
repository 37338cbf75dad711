package io.clip4j.text.spm;

import java.util.Arrays;

/** A growable byte buffer (a {@code std::string} stand-in for building UTF-8). */
final class ByteBuilder {
    private byte[] buf;
    private int size;

    ByteBuilder(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    int size() {
        return size;
    }

    byte byteAt(int i) {
        return buf[i];
    }

    void append(byte b) {
        ensure(1);
        buf[size++] = b;
    }

    void append(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, buf, size, len);
        size += len;
    }

    void append(byte[] src) {
        append(src, 0, src.length);
    }

    boolean endsWith(byte[] suffix) {
        if (size < suffix.length) {
            return false;
        }
        return Arrays.equals(buf, size - suffix.length, size, suffix, 0, suffix.length);
    }

    void truncate(int newSize) {
        size = newSize;
    }

    byte[] toArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }
}
