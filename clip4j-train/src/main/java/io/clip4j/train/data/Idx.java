package io.clip4j.train.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of (Fashion-)MNIST: a big-endian magic number {@code 0x00 0x00 type rank},
 * {@code rank} big-endian 32-bit dimensions, then the unsigned bytes. Gzipped files ({@code .gz}) are
 * decompressed on the fly.
 */
public final class Idx {

    /** The unsigned bytes of an IDX file and its dimensions. */
    public record Array(byte[] data, int[] dims) {
    }

    private Idx() {
    }

    /**
     * Reads an IDX file of unsigned bytes (type {@code 0x08}).
     *
     * @throws IOException with the file name for a missing, truncated or malformed file
     */
    public static Array read(Path file) throws IOException {
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        }
        try (InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(new BufferedInputStream(raw), 1 << 16)
                : new BufferedInputStream(raw, 1 << 16);
             DataInputStream d = new DataInputStream(in)) {
            int magic = d.readInt();
            int type = (magic >>> 8) & 0xff;
            int rank = magic & 0xff;
            if ((magic >>> 16) != 0 || type != 0x08 || rank < 1 || rank > 4) {
                throw new IOException(file + ": not an IDX file of unsigned bytes (magic 0x"
                        + Integer.toHexString(magic) + ")");
            }
            int[] dims = new int[rank];
            long n = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = d.readInt();
                if (dims[i] < 0) {
                    throw new IOException(file + ": negative dimension " + dims[i]);
                }
                n *= dims[i];
            }
            if (n > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": " + n + " values are too many");
            }
            byte[] data = new byte[(int) n];
            d.readFully(data);
            return new Array(data, dims);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated IDX file", e);
        }
    }
}
