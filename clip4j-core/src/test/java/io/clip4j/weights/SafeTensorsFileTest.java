package io.clip4j.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad-input handling and conversions of {@link SafeTensorsFile}. */
class SafeTensorsFileTest {

    @TempDir
    Path tmp;

    private Path write(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(tmp, "w", ".safetensors");
        Files.write(p, bytes);
        return p;
    }

    /** A file with the given JSON header (padded to 8 bytes) and data section. */
    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        return b.put(data).array();
    }

    private String refused(byte[] bytes) throws IOException {
        Path p = write(bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafeTensorsFile.open(p).close());
        assertTrue(e.getMessage().startsWith(p.getFileName().toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void roundTripThroughWriter() throws IOException {
        Path p = tmp.resolve("ok.safetensors");
        new SafeTensorsWriter().metadata("format", "pt").putF32("a", new float[]{1, 2, 3, 4, 5, 6}, 2, 3)
                .putI64("ids", new long[]{-1, 1L << 40}, 2).write(p);
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals("pt", f.metadata().get("format"));
            assertEquals(new TensorInfo("a", DType.F32, new long[]{2, 3}), f.info("a"));
            assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, f.floats("a"));
            assertArrayEquals(new long[]{-1, 1L << 40}, f.longs("ids"));
            assertArrayEquals(new float[]{-1, 1L << 40}, f.floats("ids"));
            assertEquals(null, f.info("missing"));
            assertTrue(assertThrows(ModelFormatException.class, () -> f.bytes("missing")).getMessage().contains("'missing'"));
            assertTrue(assertThrows(ModelFormatException.class, () -> f.longs("a")).getMessage().contains("integer type"));
        }
    }

    @Test
    void everyTruncationIsReported() throws IOException {
        byte[] ok = new SafeTensorsWriter().putF32("a", new float[]{1, 2, 3, 4}, 4).putF32("b", new float[]{5}).toBytes();
        for (int len = 0; len < ok.length; len++) {
            String m = refused(Arrays.copyOf(ok, len));
            assertTrue(m.contains("truncated") || m.contains("shorter than"), len + ": " + m);
        }
    }

    @Test
    void offsetsOutsideTheFile() throws IOException {
        String m = refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", new byte[8]));
        assertTrue(m.contains("outside the data section"), m);
        m = refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", new byte[8]));
        assertTrue(m.contains("outside the data section"), m);
        m = refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", new byte[8]));
        assertTrue(m.contains("outside the data section"), m);
        m = refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551615]}}", new byte[8]));
        assertTrue(m.contains("outside the data section"), m);
    }

    @Test
    void absurdHeaderLengths() throws IOException {
        byte[] b = file("{}", new byte[16]);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 60);
        assertTrue(refused(b).contains("declared header length 1152921504606846976"));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        assertTrue(refused(b).contains("18446744073709551615"));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0);
        assertTrue(refused(b).contains("corrupt safetensors header"));
    }

    @Test
    void malformedHeaders() throws IOException {
        assertTrue(refused(file("{\"a\":", new byte[0])).contains("not valid JSON"));
        assertTrue(refused(file("[1,2]", new byte[0])).contains("expected a JSON object"));
        assertTrue(refused(file("{\"a\":5}", new byte[0])).contains("not an object"));
        assertTrue(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4])).contains("data_offsets"));
        assertTrue(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]))
                .contains("invalid shape"));
        assertTrue(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4]))
                .contains("invalid shape"));
        assertTrue(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
                + "\"data_offsets\":[0,4]}}", new byte[4])).contains("too large"));
    }

    @Test
    void duplicateNamesAndTrailingGarbageAreRefused() throws IOException {
        String m = refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]));
        assertTrue(m.contains("not valid JSON") && m.contains("'a'"), m);
        m = refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} {}", new byte[4]));
        assertTrue(m.contains("not valid JSON"), m);
    }

    @Test
    void unknownDtype() throws IOException {
        String m = refused(file("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]));
        assertTrue(m.contains("unknown dtype 'F8_E4M3'") && m.contains("supported"), m);
    }

    @Test
    void byteCountMustMatchShape() throws IOException {
        String m = refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]));
        assertTrue(m.contains("span 8 bytes") && m.contains("needs 12"), m);
    }

    @Test
    void zeroDimAndEmptyTensors() throws IOException {
        byte[] data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(4.6052f).array();
        Path p = write(file("{\"logit_scale\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]}}", data));
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(0, f.info("logit_scale").rank());
            assertEquals(1, f.info("logit_scale").numel());
            assertArrayEquals(new float[]{4.6052f}, f.floats("logit_scale"));
            assertEquals(0, f.floats("empty").length);
        }
    }

    @Test
    void halfBfloatAndIntegerConversions() throws IOException {
        float[] values = {0f, -0f, 1f, -2.5f, 65504f, 6.1035156e-5f, Float.POSITIVE_INFINITY};
        ByteBuffer bf = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bf.putShort((short) (Float.floatToIntBits(v) >>> 16));
        }
        Path p = tmp.resolve("types.safetensors");
        new SafeTensorsWriter().putF16("h", values, values.length)
                .putRaw("bf", DType.BF16, new long[]{values.length}, bf.array())
                .putI64("i", new long[]{Long.MIN_VALUE, -3, 0, Long.MAX_VALUE}, 4)
                .putRaw("i8", DType.I8, new long[]{2}, new byte[]{-128, 127})
                .putRaw("u8", DType.U8, new long[]{2}, new byte[]{(byte) 255, 1})
                .putRaw("nan", DType.F16, new long[]{1}, new byte[]{0x00, 0x7e})
                .write(p);
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertArrayEquals(values, f.floats("h"));
            float[] bfloats = f.floats("bf");
            for (int i = 0; i < values.length; i++) {
                // bfloat16 keeps 8 mantissa bits: exact for these except 6.1e-5, which truncates.
                assertEquals(values[i], bfloats[i], Math.abs(values[i]) * 1e-2f);
            }
            assertArrayEquals(new long[]{Long.MIN_VALUE, -3, 0, Long.MAX_VALUE}, f.longs("i"));
            assertArrayEquals(new long[]{-128, 127}, f.longs("i8"));
            assertArrayEquals(new long[]{255, 1}, f.longs("u8"));
            assertTrue(Float.isNaN(f.floats("nan")[0]));
        }
    }

    @Test
    void fixtureTwinsAgree() {
        // The F16 file must be the F32 one rounded to half precision.
        try (SafeTensorsFile f32 = SafeTensorsFile.open(WeightsTestData.fixture("clip-vit-openai-tiny", "model.safetensors"));
             SafeTensorsFile f16 = SafeTensorsFile.open(WeightsTestData.fixture("clip-vit-openai-tiny", "model-fp16.safetensors"))) {
            float[] a = f32.floats("positional_embedding");
            float[] b = f16.floats("positional_embedding");
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(a[i])), b[i]);
            }
        }
    }

    @Test
    void missingAndTinyFiles() throws IOException {
        assertTrue(assertThrows(ModelFormatException.class, () -> SafeTensorsFile.open(tmp.resolve("nope.safetensors")))
                .getMessage().contains("no such file"));
        assertTrue(refused(new byte[]{1, 0, 0}).contains("shorter than the 8-byte header length"));
    }
}
