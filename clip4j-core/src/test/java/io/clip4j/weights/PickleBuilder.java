package io.clip4j.weights;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickle opcodes byte by byte, so tests can craft exactly the (possibly hostile) programs they
 * need without Python. Methods are named after the opcodes (see CPython's pickletools).
 */
final class PickleBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBuilder op(int opcode) {
        out.write(opcode);
        return this;
    }

    PickleBuilder raw(byte... bytes) {
        out.writeBytes(bytes);
        return this;
    }

    PickleBuilder le(long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)));
        }
        return this;
    }

    PickleBuilder proto(int version) {
        return op(0x80).op(version);
    }

    PickleBuilder frame(long length) {
        return op(0x95).le(length, 8);
    }

    PickleBuilder global(String module, String name) {
        return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    PickleBuilder stackGlobal(String module, String name) {
        return shortUnicode(module).op(0x94).shortUnicode(name).op(0x94).op(0x93);
    }

    PickleBuilder unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op('X').le(b.length, 4).raw(b);
    }

    PickleBuilder shortUnicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op(0x8c).le(b.length, 1).raw(b);
    }

    /** The smallest int opcode for {@code v}, as pickle itself chooses. */
    PickleBuilder integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K').le(v, 1);
        }
        if (v >= 0 && v < 65536) {
            return op('M').le(v, 2);
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return op('J').le(v, 4);
        }
        return op(0x8a).le(8, 1).le(v, 8);
    }

    PickleBuilder mark() {
        return op('(');
    }

    PickleBuilder tuple() {
        return op('t');
    }

    PickleBuilder emptyTuple() {
        return op(')');
    }

    PickleBuilder emptyDict() {
        return op('}');
    }

    PickleBuilder emptyList() {
        return op(']');
    }

    PickleBuilder setitem() {
        return op('s');
    }

    PickleBuilder setitems() {
        return op('u');
    }

    PickleBuilder append() {
        return op('a');
    }

    PickleBuilder reduce() {
        return op('R');
    }

    PickleBuilder build() {
        return op('b');
    }

    PickleBuilder binpersid() {
        return op('Q');
    }

    PickleBuilder none() {
        return op('N');
    }

    PickleBuilder bool(boolean v) {
        return op(v ? 0x88 : 0x89);
    }

    PickleBuilder put(int index) {
        return index < 256 ? op('q').le(index, 1) : op('r').le(index, 4);
    }

    PickleBuilder get(int index) {
        return index < 256 ? op('h').le(index, 1) : op('j').le(index, 4);
    }

    PickleBuilder stop() {
        return op('.');
    }

    /** A tuple of ints, as torch writes sizes and strides. */
    PickleBuilder ints(long... values) {
        if (values.length == 0) {
            return emptyTuple();
        }
        mark();
        for (long v : values) {
            integer(v);
        }
        return tuple();
    }

    /** {@code collections.OrderedDict()}. */
    PickleBuilder orderedDict() {
        return global("collections", "OrderedDict").emptyTuple().reduce();
    }

    /** The persistent id {@code ('storage', torch.<type>, key, 'cpu', numel)} loaded with BINPERSID. */
    PickleBuilder storage(String storageType, String key, long numel) {
        return mark().unicode("storage").global("torch", storageType).unicode(key).unicode("cpu").integer(numel)
                .tuple().binpersid();
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}, as torch 1.13 writes it. */
    PickleBuilder tensor(String storageType, String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        storage(storageType, key, numel).integer(offset).ints(size).ints(stride).bool(false).orderedDict();
        return tuple().reduce();
    }

    /** A contiguous tensor covering the whole storage. */
    PickleBuilder tensor(String storageType, String key, long... size) {
        long numel = 1;
        for (long d : size) {
            numel *= d;
        }
        return tensor(storageType, key, numel, 0, size, contiguousStride(size));
    }

    static long[] contiguousStride(long... size) {
        long[] stride = new long[size.length];
        long s = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= size[i];
        }
        return stride;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
