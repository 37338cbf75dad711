package io.clip4j.weights;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A zip archive mapped in memory, read through its central directory only (the way PyTorch reads its
 * checkpoints: torch writes local headers with zero sizes and a data descriptor, so the local sizes are
 * useless). Every offset and size is checked against the file before use, so a truncated or hostile
 * archive produces a {@link ModelFormatException} and never an out-of-bounds read.
 *
 * <p>Supports stored and deflated entries and zip64 (torch switches to zip64 above 4 GiB). Stored entries
 * are returned as slices of the mapping, without copying.
 */
final class ZipArchive {

    /** One central-directory entry, with the offset of its data already resolved from the local header. */
    record Entry(String name, int method, int flags, long compressedSize, long uncompressedSize, long dataOffset) {
        static final int STORED = 0;
        static final int DEFLATED = 8;
    }

    /**
     * Deflate cannot expand data by more than about 1032:1 (258-byte matches coded in 2 bits); an entry
     * that claims more is corrupt or a zip bomb, and is refused before anything is allocated for it.
     */
    static final long MAX_DEFLATE_RATIO = 1032;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final int LOCAL_HEADER_SIG = 0x04034b50;
    private static final int CENTRAL_HEADER_SIG = 0x02014b50;
    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int EOCD_SIZE = 22;
    private static final int CENTRAL_HEADER_SIZE = 46;
    private static final int LOCAL_HEADER_SIZE = 30;
    private static final long U32_MAX = 0xffffffffL;

    /** Chunk size for handing mapped memory to {@link Inflater}, whose buffers are int-indexed. */
    private static final int CHUNK = 1 << 30;

    private final String fileName;
    private final MemorySegment file;
    private final Map<String, Entry> entries;

    private ZipArchive(String fileName, MemorySegment file, Map<String, Entry> entries) {
        this.fileName = fileName;
        this.file = file;
        this.entries = entries;
    }

    /**
     * Parses the central directory of {@code file} (the whole archive, typically mapped).
     *
     * @param fileName used in error messages
     * @throws ModelFormatException if the archive is truncated, inconsistent or uses unsupported features
     */
    static ZipArchive parse(String fileName, MemorySegment file) {
        return new Parser(fileName, file).parse();
    }

    /** Entries in central-directory order. */
    Collection<Entry> entries() {
        return entries.values();
    }

    /** The entry called {@code name}, or {@code null}. */
    Entry entry(String name) {
        return entries.get(name);
    }

    /**
     * The first {@code length} bytes of an entry's uncompressed contents: a slice of the mapping for a
     * stored entry, an allocation in {@code arena} for a deflated one. Inflation stops after
     * {@code length} bytes, so a caller that knows how much it needs never inflates more.
     */
    MemorySegment contents(Entry e, long length, Arena arena) {
        if (length < 0 || length > e.uncompressedSize()) {
            throw new ModelFormatException(fileName + ": zip entry '" + e.name() + "' holds " + e.uncompressedSize()
                    + " bytes, " + length + " are needed");
        }
        MemorySegment raw = file.asSlice(e.dataOffset(), e.compressedSize());
        return switch (e.method()) {
            case Entry.STORED -> raw.asSlice(0, length);
            case Entry.DEFLATED -> inflate(e, raw, arena.allocate(Math.max(length, 1), 64).asSlice(0, length));
            default -> throw new ModelFormatException(fileName + ": zip entry '" + e.name() + "' uses compression method "
                    + e.method() + "; only stored (0) and deflated (8) entries are supported");
        };
    }

    /** The whole entry as a byte array, refusing entries larger than {@code limit} bytes. */
    byte[] readAll(Entry e, int limit) {
        if (e.uncompressedSize() > limit) {
            throw new ModelFormatException(fileName + ": zip entry '" + e.name() + "' is " + e.uncompressedSize()
                    + " bytes, more than the " + limit + " allowed");
        }
        try (Arena scratch = Arena.ofConfined()) {
            return contents(e, e.uncompressedSize(), scratch).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private MemorySegment inflate(Entry e, MemorySegment in, MemorySegment out) {
        Inflater inflater = new Inflater(true);
        try {
            long inPos = 0;
            long outPos = 0;
            boolean dummyFed = false;
            while (outPos < out.byteSize()) {
                if (inflater.needsInput()) {
                    if (inPos < in.byteSize()) {
                        long n = Math.min(CHUNK, in.byteSize() - inPos);
                        inflater.setInput(in.asSlice(inPos, n).asByteBuffer());
                        inPos += n;
                    } else if (!dummyFed) {
                        // Raw inflate may want one byte past the end of the stream to flush (as JDK's ZipFile does).
                        inflater.setInput(new byte[1]);
                        dummyFed = true;
                    } else {
                        throw corruptDeflate(e, "the compressed data ends after " + outPos + " of " + out.byteSize() + " bytes");
                    }
                }
                ByteBuffer dst = out.asSlice(outPos, Math.min(CHUNK, out.byteSize() - outPos)).asByteBuffer();
                int got = inflater.inflate(dst);
                outPos += got;
                if (got == 0 && !inflater.needsInput()) {
                    String why = inflater.finished() ? "the stream ends after " + outPos + " of " + out.byteSize() + " bytes"
                            : "it needs a preset dictionary";
                    throw corruptDeflate(e, why);
                }
            }
            return out;
        } catch (DataFormatException ex) {
            throw corruptDeflate(e, ex.getMessage());
        } finally {
            inflater.end();
        }
    }

    private ModelFormatException corruptDeflate(Entry e, String why) {
        return new ModelFormatException(fileName + ": zip entry '" + e.name() + "' has corrupt deflated data (" + why + ")");
    }

    /** One-shot central directory parser; keeps the per-parse state out of the archive object. */
    private static final class Parser {
        private final String fileName;
        private final MemorySegment file;
        private final long size;

        Parser(String fileName, MemorySegment file) {
            this.fileName = fileName;
            this.file = file;
            this.size = file.byteSize();
        }

        ZipArchive parse() {
            long eocd = findEndOfCentralDirectory();
            int disk = u16(eocd + 4);
            int cdDisk = u16(eocd + 6);
            long count = u16(eocd + 10);
            long cdSize = u32(eocd + 12);
            long cdOffset = u32(eocd + 16);
            long cdLimit = eocd;
            if (count == 0xffff || cdSize == U32_MAX || cdOffset == U32_MAX) {
                long[] z = readZip64End(eocd);
                disk = (int) z[0];
                cdDisk = (int) z[1];
                count = z[2];
                cdSize = z[3];
                cdOffset = z[4];
                cdLimit = z[5];
            }
            if (disk != 0 || cdDisk != 0) {
                throw corrupt("multi-volume zip archives are not supported");
            }
            if (cdOffset < 0 || cdSize < 0 || cdOffset > cdLimit || cdSize > cdLimit - cdOffset) {
                throw corrupt("the central directory (offset " + cdOffset + ", " + cdSize
                        + " bytes) lies outside the file of " + size + " bytes — the file is truncated or corrupt");
            }
            if (count < 0 || count > cdSize / CENTRAL_HEADER_SIZE) {
                throw corrupt("the central directory claims " + count + " entries but has room for "
                        + cdSize / CENTRAL_HEADER_SIZE);
            }
            Map<String, Entry> entries = new LinkedHashMap<>();
            long p = cdOffset;
            long cdEnd = cdOffset + cdSize;
            for (long i = 0; i < count; i++) {
                if (cdEnd - p < CENTRAL_HEADER_SIZE || u32(p) != CENTRAL_HEADER_SIG) {
                    throw corrupt("central directory entry " + i + " at offset " + p + " is missing or damaged");
                }
                int flags = u16(p + 8);
                int method = u16(p + 10);
                long compressed = u32(p + 20);
                long uncompressed = u32(p + 24);
                int nameLen = u16(p + 28);
                int extraLen = u16(p + 30);
                int commentLen = u16(p + 32);
                int startDisk = u16(p + 34);
                long localOffset = u32(p + 42);
                long next = p + CENTRAL_HEADER_SIZE + nameLen + extraLen + commentLen;
                if (next > cdEnd) {
                    throw corrupt("central directory entry " + i + " runs past the end of the central directory");
                }
                byte[] nameBytes = file.asSlice(p + CENTRAL_HEADER_SIZE, nameLen).toArray(ValueLayout.JAVA_BYTE);
                // Bit 11 says UTF-8; otherwise CP437, which agrees with ASCII (all torch writes).
                String name = new String(nameBytes, (flags & 0x800) != 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
                long[] z64 = {uncompressed, compressed, localOffset, startDisk};
                readZip64Extra(name, p + CENTRAL_HEADER_SIZE + nameLen, extraLen, z64);
                uncompressed = z64[0];
                compressed = z64[1];
                localOffset = z64[2];
                if (z64[3] != 0) {
                    throw corrupt("entry '" + name + "' lives on another volume of a multi-volume archive");
                }
                if ((flags & 0x1) != 0) {
                    throw corrupt("entry '" + name + "' is encrypted");
                }
                if (method == Entry.STORED && compressed != uncompressed) {
                    throw corrupt("stored entry '" + name + "' has compressed size " + compressed
                            + " but uncompressed size " + uncompressed);
                }
                long dataOffset = localDataOffset(name, localOffset, cdOffset);
                if (compressed > cdOffset - dataOffset) {
                    throw corrupt("the data of entry '" + name + "' (" + compressed + " bytes at offset " + dataOffset
                            + ") runs past the start of the central directory — the file is truncated or corrupt");
                }
                // compressed is now bounded by the file size, so the product cannot overflow.
                if (method == Entry.DEFLATED && uncompressed > Math.max(compressed, 1) * MAX_DEFLATE_RATIO) {
                    throw corrupt("entry '" + name + "' claims to inflate " + compressed + " bytes into " + uncompressed
                            + ", more than deflate can produce (a corrupt entry or a zip bomb)");
                }
                if (entries.putIfAbsent(name, new Entry(name, method, flags, compressed, uncompressed, dataOffset)) != null) {
                    throw corrupt("entry '" + name + "' appears twice");
                }
                p = next;
            }
            return new ZipArchive(fileName, file, Collections.unmodifiableMap(entries));
        }

        /** Scans back over a possible archive comment for the end-of-central-directory record. */
        private long findEndOfCentralDirectory() {
            if (size < EOCD_SIZE) {
                throw corrupt("not a zip archive (" + size + " bytes, too short)");
            }
            long lowest = Math.max(0, size - EOCD_SIZE - 0xffff);
            for (long p = size - EOCD_SIZE; p >= lowest; p--) {
                // The comment length must reach exactly to the end of the file, which rules out stray signatures.
                if (u32(p) == EOCD_SIG && p + EOCD_SIZE + u16(p + 20) == size) {
                    return p;
                }
            }
            throw corrupt("no end-of-central-directory record — the file is truncated or not a zip archive");
        }

        /** Returns {disk, cdDisk, count, cdSize, cdOffset, limit} from the zip64 end record. */
        private long[] readZip64End(long eocd) {
            long locator = eocd - 20;
            if (locator < 0 || u32(locator) != ZIP64_LOCATOR_SIG) {
                throw corrupt("the end-of-central-directory record needs zip64 fields but has no zip64 locator");
            }
            long z = u64(locator + 8);
            if (u32(locator + 4) != 0 || u32(locator + 16) > 1) {
                throw corrupt("multi-volume zip archives are not supported");
            }
            if (z < 0 || z > locator - 56 || u32(z) != ZIP64_EOCD_SIG) {
                throw corrupt("the zip64 end-of-central-directory record (offset " + z + ") is missing or damaged");
            }
            return new long[]{u32(z + 16), u32(z + 20), u64(z + 32), u64(z + 40), u64(z + 48), z};
        }

        /** Replaces saturated 32-bit fields with their values from the zip64 extra field (id 1). */
        private void readZip64Extra(String name, long start, int len, long[] fields) {
            long p = start;
            long end = start + len;
            while (end - p >= 4) {
                int id = u16(p);
                int blockLen = u16(p + 2);
                long data = p + 4;
                if (blockLen > end - data) {
                    throw corrupt("entry '" + name + "' has a damaged extra field");
                }
                if (id == 1) {
                    long q = data;
                    for (int f = 0; f < 3; f++) {
                        if (fields[f] == U32_MAX) {
                            if (data + blockLen - q < 8) {
                                throw corrupt("entry '" + name + "' has a short zip64 extra field");
                            }
                            fields[f] = u64(q);
                            q += 8;
                        }
                    }
                    if (fields[3] == 0xffff && data + blockLen - q >= 4) {
                        fields[3] = u32(q);
                    }
                }
                p = data + blockLen;
            }
            for (int f = 0; f < 3; f++) {
                if (fields[f] < 0) {
                    throw corrupt("entry '" + name + "' has an impossible size or offset");
                }
            }
        }

        private long localDataOffset(String name, long localOffset, long cdOffset) {
            if (localOffset > cdOffset - LOCAL_HEADER_SIZE || u32(localOffset) != LOCAL_HEADER_SIG) {
                throw corrupt("the local header of entry '" + name + "' (offset " + localOffset
                        + ") is missing or outside the file — the file is truncated or corrupt");
            }
            return localOffset + LOCAL_HEADER_SIZE + u16(localOffset + 26) + u16(localOffset + 28);
        }

        private int u16(long at) {
            return file.get(U16, at) & 0xffff;
        }

        private long u32(long at) {
            return file.get(U32, at) & U32_MAX;
        }

        private long u64(long at) {
            return file.get(U64, at);
        }

        private ModelFormatException corrupt(String why) {
            return new ModelFormatException(fileName + ": corrupt zip archive: " + why);
        }
    }
}
