package io.clip4j.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TorchZipFileTest {

    @TempDir
    Path tmp;

    // ---- the real fixtures -------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"clip-rn-openai-tiny, model.safetensors, F32", "clip-vit-openai-tiny, model-fp16.safetensors, F16"})
    void fixtureMatchesItsSafetensorsTwin(String model, String twin, DType floatType) {
        try (TorchZipFile pt = TorchZipFile.open(WeightsTestData.fixture(model, "model.pt"));
             SafeTensorsFile st = SafeTensorsFile.open(WeightsTestData.fixture(model, twin))) {
            assertSameTensors(st, pt);
            assertEquals(floatType, pt.info("positional_embedding").dtype());
            assertEquals("3", pt.metadata().get("version"));
            assertEquals("model", pt.metadata().get("archive"));
            // Stored entries are served straight from the mapping.
            assertTrue(pt.bytes("positional_embedding").isMapped());
            assertEquals(0, pt.info("logit_scale").rank());
        }
    }

    @Test
    void fixtureKeepsPickleOrder() {
        try (TorchZipFile pt = TorchZipFile.open(WeightsTestData.fixture("clip-rn-openai-tiny", "model.pt"))) {
            List<String> names = pt.tensors().stream().map(TensorInfo::name).toList();
            assertEquals(List.of("positional_embedding", "text_projection", "logit_scale"), names.subList(0, 3));
        }
    }

    @Test
    void deflatedCopyWithOtherFolderLoadsIdentically() throws IOException {
        Path copy = tmp.resolve("checkpoint.bin");
        rewriteZip(WeightsTestData.fixture("clip-vit-openai-tiny", "model.pt"), copy, "archive");
        try (WeightFile pt = WeightFiles.open(copy);
             SafeTensorsFile st = SafeTensorsFile.open(WeightsTestData.fixture("clip-vit-openai-tiny", "model-fp16.safetensors"))) {
            assertInstanceOf(TorchZipFile.class, pt);
            assertEquals("archive", pt.metadata().get("archive"));
            assertSameTensors(st, pt);
        }
    }

    /** Re-zips every entry deflated, replacing the top-level folder. */
    private static void rewriteZip(Path src, Path dst, String folder) throws IOException {
        try (ZipFile in = new ZipFile(src.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(dst))) {
            Enumeration<? extends ZipEntry> en = in.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                ZipEntry n = new ZipEntry(folder + e.getName().substring(e.getName().indexOf('/')));
                n.setMethod(ZipEntry.DEFLATED);
                out.putNextEntry(n);
                try (var is = in.getInputStream(e)) {
                    is.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    static void assertSameTensors(WeightFile expected, WeightFile actual) {
        assertEquals(expected.tensors().size(), actual.tensors().size(), "tensor count");
        for (TensorInfo info : expected.tensors()) {
            TensorInfo got = actual.info(info.name());
            assertNotNull(got, info.name());
            assertEquals(info, got, info.name());
            MemorySegment a = expected.bytes(info.name());
            MemorySegment b = actual.bytes(info.name());
            assertEquals(-1, a.mismatch(b), () -> info.name() + ": bytes differ");
        }
    }

    // ---- crafted checkpoints -----------------------------------------------------------------------

    private Path write(TorchZipBuilder zip) throws IOException {
        return write(zip.toBytes());
    }

    private Path write(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(tmp, "model", ".pt");
        Files.write(p, bytes);
        return p;
    }

    /** {'w': 2x3 tensor over storage 0, 'wt': its transpose, 'b': 0-dim at offset 4 of storage 0}. */
    private static PickleBuilder viewsPickle() {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark();
        p.unicode("w").tensor("FloatStorage", "0", 6, 0, new long[]{2, 3}, new long[]{3, 1});
        p.unicode("wt").tensor("FloatStorage", "0", 6, 0, new long[]{3, 2}, new long[]{1, 3});
        p.unicode("b").tensor("FloatStorage", "0", 6, 4, new long[]{}, new long[]{});
        p.unicode("tail").tensor("FloatStorage", "0", 6, 2, new long[]{4}, new long[]{1});
        return p.setitems().stop();
    }

    @Test
    void stridedAndSharedViewsOfOneStorage() throws IOException {
        Path file = write(new TorchZipBuilder().pickle(viewsPickle()).storageF32("0", 0, 1, 2, 3, 4, 5));
        try (TorchZipFile pt = TorchZipFile.open(file)) {
            assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5}, pt.floats("w"));
            // Transpose of [[0,1,2],[3,4,5]] read row-major.
            assertArrayEquals(new float[]{0, 3, 1, 4, 2, 5}, pt.floats("wt"));
            assertArrayEquals(new long[]{3, 2}, pt.info("wt").shape());
            assertArrayEquals(new float[]{4}, pt.floats("b"));
            assertEquals(0, pt.info("b").rank());
            assertArrayEquals(new float[]{2, 3, 4, 5}, pt.floats("tail"));
            // Contiguous views share the mapped storage; the transposed one is a private copy.
            assertTrue(pt.bytes("tail").isMapped());
            assertFalse(pt.bytes("wt").isMapped());
        }
    }

    @Test
    void stridedViewMatchesReferenceGatherInHigherRank() throws IOException {
        // A [2, 3, 4] storage viewed as permute(2, 0, 1) with a storage offset: size [4, 2, 3], stride [1, 12, 4].
        float[] storage = new float[25];
        for (int i = 0; i < storage.length; i++) {
            storage[i] = i * 0.5f;
        }
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark();
        p.unicode("x").tensor("FloatStorage", "7", 25, 1, new long[]{4, 2, 3}, new long[]{1, 12, 4});
        p.unicode("expand").tensor("FloatStorage", "7", 25, 3, new long[]{2, 3}, new long[]{0, 1});
        p.setitems().stop();
        try (TorchZipFile pt = TorchZipFile.open(write(new TorchZipBuilder().pickle(p).storageF32("7", storage)))) {
            float[] got = pt.floats("x");
            int n = 0;
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 2; j++) {
                    for (int k = 0; k < 3; k++) {
                        assertEquals(storage[1 + i + 12 * j + 4 * k], got[n++]);
                    }
                }
            }
            assertArrayEquals(new float[]{1.5f, 2, 2.5f, 1.5f, 2, 2.5f}, pt.floats("expand"));
        }
    }

    @Test
    void integerBoolAndHalfTypes() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark();
        p.unicode("bn.num_batches_tracked").tensor("LongStorage", "0");
        p.unicode("mask").tensor("BoolStorage", "1", 3);
        p.unicode("h").tensor("HalfStorage", "2", 2);
        p.unicode("bf").tensor("BFloat16Storage", "3", 1);
        p.setitems().stop();
        byte[] half = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f)).array();
        byte[] bf16 = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) (Float.floatToIntBits(3.25f) >>> 16)).array();
        TorchZipBuilder zip = new TorchZipBuilder().pickle(p).storageI64("0", 12345678901L)
                .storage("1", new byte[]{1, 0, 1}).storage("2", half).storage("3", bf16);
        try (TorchZipFile pt = TorchZipFile.open(write(zip))) {
            assertEquals(new TensorInfo("bn.num_batches_tracked", DType.I64, new long[0]), pt.info("bn.num_batches_tracked"));
            assertArrayEquals(new long[]{12345678901L}, pt.longs("bn.num_batches_tracked"));
            assertEquals(DType.BOOL, pt.info("mask").dtype());
            assertArrayEquals(new long[]{1, 0, 1}, pt.longs("mask"));
            assertArrayEquals(new float[]{1.5f, -2f}, pt.floats("h"));
            assertArrayEquals(new float[]{3.25f}, pt.floats("bf"));
        }
    }

    @Test
    void nestedStateDictParameterWrapperTorchSizeAndSkippedValues() throws IOException {
        // {'epoch': 7, 'name': 'run', 'state_dict': {'p': _rebuild_parameter(tensor(size=torch.Size((2,))), True, OrderedDict()),
        //  'step': 3}, 'optimizer': {}}
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict().mark();
        p.unicode("epoch").integer(7).unicode("name").unicode("run").unicode("state_dict").emptyDict().mark();
        p.unicode("p").global("torch._utils", "_rebuild_parameter").mark();
        p.global("torch._utils", "_rebuild_tensor_v2").mark().storage("FloatStorage", "0", 2).integer(0)
                .global("torch", "Size").mark().ints(2).tuple().reduce()
                .ints(1).bool(true).orderedDict().tuple().reduce();
        p.bool(true).orderedDict().tuple().reduce();
        p.unicode("step").integer(3).setitems();
        p.unicode("optimizer").emptyDict().setitems().stop();
        try (TorchZipFile pt = TorchZipFile.open(write(new TorchZipBuilder().pickle(p).storageF32("0", 7, 8)))) {
            assertEquals(List.of(new TensorInfo("p", DType.F32, new long[]{2})), pt.tensors());
            assertArrayEquals(new float[]{7, 8}, pt.floats("p"));
            assertEquals("state_dict", pt.metadata().get("state_dict_key"));
        }
    }

    @Test
    void torch2UntypedStorageWithDtypeGlobal() throws IOException {
        // _rebuild_tensor_v3(storage(UntypedStorage, nbytes), offset, size, stride, False, OrderedDict(), torch.float16)
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark().unicode("x");
        p.global("torch._utils", "_rebuild_tensor_v3").mark().storage("UntypedStorage", "0", 6).integer(1)
                .ints(2).ints(1).bool(false).orderedDict().global("torch", "float16").tuple().reduce();
        p.setitems().stop();
        byte[] half = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort(Float.floatToFloat16(9))
                .putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(-1)).array();
        try (TorchZipFile pt = TorchZipFile.open(write(new TorchZipBuilder().pickle(p).storage("0", half)))) {
            assertEquals(DType.F16, pt.info("x").dtype());
            assertArrayEquals(new float[]{0.5f, -1}, pt.floats("x"));
        }
    }

    @Test
    void protocol4OpcodesFrameMemoizeStackGlobal() throws IOException {
        // Memo: 0, 1 = the two strings of STACK_GLOBAL, 2 = OrderedDict class, 3 = the dict, 4 = 'x', ...
        PickleBuilder p = new PickleBuilder().stackGlobal("collections", "OrderedDict").op(0x94)
                .emptyTuple().reduce().op(0x94).shortUnicode("x").op(0x94);
        p.stackGlobal("torch._utils", "_rebuild_tensor_v2").mark().mark().shortUnicode("storage")
                .stackGlobal("torch", "DoubleStorage").shortUnicode("0").shortUnicode("cpu").integer(2).tuple().binpersid()
                .integer(0).ints(2).ints(1).bool(false).get(2).emptyTuple().reduce().tuple().reduce().setitem()
                .emptyDict().build().stop();
        p = new PickleBuilder().proto(4).frame(p.bytes().length).raw(p.bytes()); // one frame, as protocol 4 writes
        byte[] doubles = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.25).putDouble(-4).array();
        try (TorchZipFile pt = TorchZipFile.open(write(new TorchZipBuilder().pickle(p).storage("0", doubles)))) {
            assertEquals(DType.F64, pt.info("x").dtype());
            assertArrayEquals(new float[]{0.25f, -4}, pt.floats("x"));
        }
    }

    @Test
    void bigEndianCheckpointIsConverted() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark();
        p.unicode("f").tensor("FloatStorage", "0", 2).unicode("l").tensor("LongStorage", "1", 1);
        p.setitems().stop();
        byte[] f = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.25f).putFloat(-3f).array();
        byte[] l = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(-42).array();
        TorchZipBuilder zip = new TorchZipBuilder().pickle(p).storage("0", f).storage("1", l)
                .entry("byteorder", "big".getBytes(StandardCharsets.US_ASCII));
        try (TorchZipFile pt = TorchZipFile.open(write(zip))) {
            assertEquals("big", pt.metadata().get("byteorder"));
            assertArrayEquals(new float[]{1.25f, -3f}, pt.floats("f"));
            assertArrayEquals(new long[]{-42}, pt.longs("l"));
        }
    }

    @Test
    void deflatedStorageInflatesOnlyWhatTheTensorNeeds() throws IOException {
        // 4 MiB of zeros deflate to a few KB; the pickle only needs 4 floats of it.
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .unicode("x").tensor("FloatStorage", "0", 4).setitems().stop();
        byte[] big = new byte[4 << 20];
        big[0] = 0x3f; // not all zero
        TorchZipBuilder zip = new TorchZipBuilder().deflate(true).pickle(p).storage("0", big);
        try (TorchZipFile pt = TorchZipFile.open(write(zip))) {
            assertEquals(4, pt.floats("x").length);
            assertEquals(16, pt.bytes("x").byteSize());
        }
    }

    // ---- malformed and hostile archives ------------------------------------------------------------

    private static TorchZipBuilder smallCheckpoint() {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .unicode("a").tensor("FloatStorage", "0", 2, 2)
                .unicode("b").tensor("FloatStorage", "1", 3)
                .setitems().stop();
        return new TorchZipBuilder().folder("model").pickle(p).storageF32("0", 1, 2, 3, 4).storageF32("1", 5, 6, 7);
    }

    private ModelFormatException refused(byte[] zip) throws IOException {
        Path file = write(zip);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TorchZipFile.open(file).close());
        assertTrue(e.getMessage().startsWith(file.getFileName() + ": "), e.getMessage());
        return e;
    }

    @Test
    void smallCheckpointLoads() throws IOException {
        try (TorchZipFile pt = TorchZipFile.open(write(smallCheckpoint()))) {
            assertArrayEquals(new float[]{1, 2, 3, 4}, pt.floats("a"));
            assertArrayEquals(new float[]{5, 6, 7}, pt.floats("b"));
        }
    }

    @Test
    void everyTruncationIsAClearError() throws IOException {
        byte[] zip = smallCheckpoint().toBytes();
        for (int len = 0; len < zip.length; len += (len < 64 || len > zip.length - 200 ? 1 : 13)) {
            ModelFormatException e = refused(Arrays.copyOf(zip, len));
            assertTrue(e.getMessage().contains("zip"), e.getMessage());
        }
    }

    @Test
    void truncatedFixtureIsAClearError() throws IOException {
        byte[] pt = Files.readAllBytes(WeightsTestData.fixture("clip-rn-openai-tiny", "model.pt"));
        ModelFormatException e = refused(Arrays.copyOf(pt, pt.length / 2));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void corruptingAnyByteNeverEscapesAsAnotherException() throws IOException {
        byte[] zip = smallCheckpoint().toBytes();
        Path file = tmp.resolve("fuzz.pt");
        for (int i = 0; i < zip.length; i++) {
            for (int xor : new int[]{0xff, 0x01}) {
                byte[] bad = zip.clone();
                bad[i] ^= (byte) xor;
                Files.write(file, bad);
                try (TorchZipFile pt = TorchZipFile.open(file)) {
                    for (TensorInfo t : pt.tensors()) {
                        pt.floats(t.name());
                    }
                } catch (ModelFormatException expected) {
                    assertTrue(expected.getMessage().startsWith("fuzz.pt: "), expected.getMessage());
                }
            }
        }
    }

    @Test
    void missingStorageEntry() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .unicode("a").tensor("FloatStorage", "0", 2).unicode("b").tensor("FloatStorage", "9", 1).setitems().stop();
        ModelFormatException e = refused(new TorchZipBuilder().pickle(p).storageF32("0", 1, 2).toBytes());
        assertTrue(e.getMessage().contains("storage '9'") && e.getMessage().contains("archive/data/9"), e.getMessage());
    }

    @Test
    void storageEntryShorterThanItsNumel() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .unicode("a").tensor("FloatStorage", "0", 4).setitems().stop();
        ModelFormatException e = refused(new TorchZipBuilder().pickle(p).storageF32("0", 1, 2).toBytes());
        assertTrue(e.getMessage().contains("needs 16 bytes"), e.getMessage());
    }

    @Test
    void viewOutsideItsStorage() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .unicode("a").tensor("FloatStorage", "0", 4, 1, new long[]{2, 2}, new long[]{2, 1}).setitems().stop();
        ModelFormatException e = refused(new TorchZipBuilder().pickle(p).storageF32("0", 1, 2, 3, 4).toBytes());
        assertTrue(e.getMessage().contains("reads up to byte 20"), e.getMessage());
    }

    @Test
    void localHeaderOffsetOutsideTheFile() throws IOException {
        byte[] zip = smallCheckpoint().toBytes();
        TorchZipBuilder.putInt(zip, TorchZipBuilder.centralEntry(zip, "model/data/1") + 42, 0x7fff0000L);
        assertTrue(refused(zip).getMessage().contains("outside the file"));
    }

    @Test
    void entrySizeRunningPastTheData() throws IOException {
        byte[] zip = smallCheckpoint().toBytes();
        int cd = TorchZipBuilder.centralEntry(zip, "model/data/0");
        TorchZipBuilder.putInt(zip, cd + 20, 1 << 20);
        TorchZipBuilder.putInt(zip, cd + 24, 1 << 20);
        assertTrue(refused(zip).getMessage().contains("runs past"));
    }

    @Test
    void centralDirectoryOutsideTheFile() throws IOException {
        byte[] zip = smallCheckpoint().toBytes();
        TorchZipBuilder.putInt(zip, zip.length - 22 + 16, zip.length + 100);
        assertTrue(refused(zip).getMessage().contains("central directory"));
    }

    @Test
    void zipBombClaimIsRefusedBeforeInflating() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .unicode("x").tensor("FloatStorage", "0", 1L << 30).setitems().stop();
        byte[] zip = new TorchZipBuilder().deflate(true).pickle(p).storage("0", new byte[1 << 16]).toBytes();
        TorchZipBuilder.putInt(zip, TorchZipBuilder.centralEntry(zip, "archive/data/0") + 24, 0xfffffff0L);
        ModelFormatException e = refused(zip);
        assertTrue(e.getMessage().contains("zip bomb"), e.getMessage());
    }

    @Test
    void deflatedStreamShorterThanDeclared() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .unicode("x").tensor("FloatStorage", "0", 500).setitems().stop();
        byte[] zip = new TorchZipBuilder().deflate(true).pickle(p).storage("0", new byte[100]).toBytes();
        // 2000 bytes stays within deflate's ratio for even a 2-byte stream, so the inflater has to notice.
        TorchZipBuilder.putInt(zip, TorchZipBuilder.centralEntry(zip, "archive/data/0") + 24, 2000);
        ModelFormatException e = refused(zip);
        assertTrue(e.getMessage().contains("corrupt deflated data"), e.getMessage());
    }

    @Test
    void archiveWithoutDataPkl() throws IOException {
        byte[] zip = new TorchZipBuilder().storageF32("0", 1).toBytes();
        assertTrue(refused(zip).getMessage().contains("no <folder>/data.pkl"));
    }

    @Test
    void torchScriptArchiveMustHoldAModule() throws IOException {
        // constants.pkl marks a TorchScript archive, whose data.pkl must then pickle a module, not a dict.
        byte[] zip = smallCheckpoint().entry("constants.pkl", new byte[]{(byte) 0x80, 2, ')', '.'}).toBytes();
        assertTrue(refused(zip).getMessage().contains("TorchScript archive's data.pkl holds a dict, not a module"));
    }

    @Test
    void badByteorderAndVersionEntries() throws IOException {
        assertTrue(refused(smallCheckpoint().entry("byteorder", "middle".getBytes(StandardCharsets.US_ASCII)).toBytes())
                .getMessage().contains("byteorder"));
        assertTrue(refused(smallCheckpoint().version("three").toBytes()).getMessage().contains("version"));
    }

    @Test
    void newerTorchVersionLocation() throws IOException {
        byte[] zip = smallCheckpoint().entry(".data/version", "3\n".getBytes(StandardCharsets.US_ASCII)).toBytes();
        try (TorchZipFile pt = TorchZipFile.open(write(zip))) {
            assertEquals("3", pt.metadata().get("version"));
        }
    }

    @Test
    void rootMustBeAStateDict() throws IOException {
        byte[] list = new PickleBuilder().proto(2).emptyList().stop().bytes();
        assertTrue(refused(new TorchZipBuilder().pickle(list).toBytes()).getMessage().contains("holds a list"));
        byte[] empty = new PickleBuilder().proto(2).orderedDict().stop().bytes();
        assertTrue(refused(new TorchZipBuilder().pickle(empty).toBytes()).getMessage().contains("no tensors"));
        byte[] intKey = new PickleBuilder().proto(2).emptyDict().integer(5).tensor("FloatStorage", "0", 1).setitem()
                .stop().bytes();
        assertTrue(refused(new TorchZipBuilder().pickle(intKey).storageF32("0", 1).toBytes()).getMessage()
                .contains("key of type int"));
    }

    @Test
    void zip64Archive() throws IOException {
        // java.util.zip writes zip64 records only past 4 GiB or 65535 entries; 65536 storages forces them cheaply.
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .unicode("x").tensor("FloatStorage", "65535", 1).setitems().stop();
        TorchZipBuilder zip = new TorchZipBuilder().pickle(p);
        for (int i = 0; i < 65536; i++) {
            zip.storage(String.valueOf(i), new byte[i == 65535 ? 4 : 0]);
        }
        byte[] bytes = zip.toBytes();
        assertEquals(0x06064b50, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(bytes.length - 22 - 20 - 56));
        try (TorchZipFile pt = TorchZipFile.open(write(bytes))) {
            assertArrayEquals(new float[]{0}, pt.floats("x"));
        }
    }

    @Test
    void hostilePickleInsideArchiveNamesFileAndGlobal() throws IOException {
        byte[] evil = new PickleBuilder().proto(2).global("posix", "system").unicode("touch /tmp/pwned").op(0x85)
                .reduce().stop().bytes();
        Path file = write(new TorchZipBuilder().pickle(evil).toBytes());
        Path named = Files.move(file, tmp.resolve("model.pt"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TorchZipFile.open(named));
        assertEquals("model.pt: refusing to load: the pickle calls posix.system (only tensors and plain containers are allowed)",
                e.getMessage());
    }

    @Test
    void closeReleasesTheMapping() throws IOException {
        TorchZipFile pt = TorchZipFile.open(write(smallCheckpoint()));
        MemorySegment seg = pt.bytes("a");
        pt.close();
        assertThrows(IllegalStateException.class, () -> seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
    }
}
