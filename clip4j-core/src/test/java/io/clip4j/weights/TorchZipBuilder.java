package io.clip4j.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes a checkpoint zip laid out like torch.save's: {@code <folder>/data.pkl}, {@code data/<key>}, {@code version}. */
final class TorchZipBuilder {

    private String folder = "archive";
    private boolean deflate;
    private final Map<String, byte[]> entries = new LinkedHashMap<>();

    TorchZipBuilder folder(String name) {
        this.folder = name;
        return this;
    }

    TorchZipBuilder deflate(boolean on) {
        this.deflate = on;
        return this;
    }

    TorchZipBuilder pickle(byte[] pickle) {
        return entry("data.pkl", pickle);
    }

    TorchZipBuilder pickle(PickleBuilder pickle) {
        return pickle(pickle.bytes());
    }

    TorchZipBuilder storage(String key, byte[] bytes) {
        return entry("data/" + key, bytes);
    }

    TorchZipBuilder storageF32(String key, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return storage(key, b.array());
    }

    TorchZipBuilder storageI64(String key, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return storage(key, b.array());
    }

    TorchZipBuilder version(String v) {
        return entry("version", (v + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** An entry relative to the folder. */
    TorchZipBuilder entry(String name, byte[] bytes) {
        entries.put(name, bytes);
        return this;
    }

    byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            if (!entries.containsKey("version")) {
                version("3");
            }
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry z = new ZipEntry(folder + "/" + e.getKey());
                if (deflate) {
                    z.setMethod(ZipEntry.DEFLATED);
                } else {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(e.getValue().length);
                    z.setCompressedSize(e.getValue().length);
                    z.setCrc(crc.getValue());
                }
                zip.putNextEntry(z);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Offset of the central-directory record of entry {@code name} in a zip without comment. */
    static int centralEntry(byte[] zip, String name) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = zip.length - 22;
        int count = b.getShort(eocd + 10) & 0xffff;
        int p = b.getInt(eocd + 16);
        for (int i = 0; i < count; i++) {
            int nameLen = b.getShort(p + 28) & 0xffff;
            String n = new String(zip, p + 46, nameLen, StandardCharsets.UTF_8);
            if (n.equals(name)) {
                return p;
            }
            p += 46 + nameLen + (b.getShort(p + 30) & 0xffff) + (b.getShort(p + 32) & 0xffff);
        }
        throw new IllegalArgumentException("no entry " + name);
    }

    static void putInt(byte[] zip, int at, long value) {
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putInt(at, (int) value);
    }
}
