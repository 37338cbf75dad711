package io.clip4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An unsigned-byte array in the IDX format of the MNIST family: two zero bytes, a type byte
 * ({@code 0x08} = unsigned byte, the only type these data sets use), the number of dimensions, one
 * big-endian 32-bit size per dimension, then the values in row-major order. Files may be gzip-compressed
 * (recognised by their leading bytes, whatever the file name says).
 *
 * @param dims   the size of every dimension
 * @param values {@code product(dims)} bytes, row-major (read as unsigned: {@code v & 0xff})
 */
public record IdxFile(int[] dims, byte[] values) {

    /** The IDX type code of unsigned bytes. */
    public static final int UNSIGNED_BYTE = 0x08;

    public IdxFile {
        dims = dims.clone();
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(Arrays.toString(dims) + " needs " + n + " values, got " + values.length);
        }
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** Size of dimension {@code i}. */
    public int dim(int i) {
        return dims[i];
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /**
     * Reads an unsigned-byte IDX file, plain or gzip-compressed.
     *
     * @throws DatasetException naming the file when it is missing, unreadable, truncated, not IDX, or
     *                              holds another value type
     */
    public static IdxFile read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(raw, file.toString());
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": no such file", e);
        } catch (ZipException e) {
            throw new DatasetException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (EOFException e) {
            throw new DatasetException(file + ": truncated IDX file", e);
        } catch (IOException e) {
            String m = e.getMessage();
            // Format errors from read(InputStream, String) already name the file.
            throw new DatasetException(m != null && m.startsWith(file.toString()) ? m
                    : file + ": cannot read (" + m + ")", e);
        }
    }

    /** Reads an IDX stream (plain or gzip-compressed); {@code name} is used in error messages. */
    public static IdxFile read(InputStream in, String name) throws IOException {
        InputStream buffered = in.markSupported() ? in : new BufferedInputStream(in, 1 << 16);
        DataInputStream data = new DataInputStream(maybeGunzip(buffered));
        int zero1 = data.readUnsignedByte();
        int zero2 = data.readUnsignedByte();
        int type = data.readUnsignedByte();
        int rank = data.readUnsignedByte();
        if (zero1 != 0 || zero2 != 0) {
            throw new IOException(name + ": not an IDX file (bad magic number)");
        }
        if (type != UNSIGNED_BYTE) {
            throw new IOException(name + ": IDX value type 0x" + Integer.toHexString(type)
                    + " is not supported (only unsigned bytes, 0x08)");
        }
        if (rank == 0) {
            throw new IOException(name + ": IDX file with no dimensions");
        }
        int[] dims = new int[rank];
        long n = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = data.readInt();
            if (dims[i] < 0) {
                throw new IOException(name + ": negative IDX dimension " + dims[i]);
            }
            n *= dims[i];
            if (n > Integer.MAX_VALUE - 8) {
                throw new IOException(name + ": IDX array of " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                        + " is too large");
            }
        }
        byte[] values = new byte[(int) n];
        try {
            data.readFully(values);
        } catch (EOFException e) {
            throw new IOException(name + ": truncated: the header announces " + Arrays.toString(dims) + " = " + n
                    + " values", e);
        }
        if (data.read() != -1) {
            throw new IOException(name + ": data continues after the " + n + " values the header announces");
        }
        return new IdxFile(dims, values);
    }

    private static InputStream maybeGunzip(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxFile other && Arrays.equals(dims, other.dims) && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "IdxFile" + Arrays.toString(dims);
    }
}
