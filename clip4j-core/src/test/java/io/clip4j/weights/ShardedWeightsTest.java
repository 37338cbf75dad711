package io.clip4j.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardedWeightsTest {

    @TempDir
    Path dir;

    private Path twoShards() throws IOException {
        new SafeTensorsWriter().putF32("a.weight", new float[]{1, 2, 3, 4}, 2, 2).putF32("a.bias", new float[]{5, 6}, 2)
                .write(dir.resolve("model-00001-of-00002.safetensors"));
        new SafeTensorsWriter().putF16("b.weight", new float[]{0.5f, -1}, 2).putI64("b.count", new long[]{9})
                .write(dir.resolve("model-00002-of-00002.safetensors"));
        return index("""
                {"metadata": {"total_size": 44},
                 "weight_map": {"a.bias": "model-00001-of-00002.safetensors",
                                "a.weight": "model-00001-of-00002.safetensors",
                                "b.count": "model-00002-of-00002.safetensors",
                                "b.weight": "model-00002-of-00002.safetensors"}}""");
    }

    private Path index(String json) throws IOException {
        Path p = dir.resolve("model.safetensors.index.json");
        Files.writeString(p, json);
        return p;
    }

    private String refused(Path index) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ShardedWeights.open(index).close());
        assertTrue(e.getMessage().startsWith(index.getFileName() + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void twoShardsLoad() throws IOException {
        try (WeightFile w = WeightFiles.open(twoShards())) {
            ShardedWeights s = assertInstanceOf(ShardedWeights.class, w);
            assertEquals(List.of("a.bias", "a.weight", "b.count", "b.weight"), w.tensors().stream().map(TensorInfo::name).toList());
            assertEquals(new TensorInfo("a.weight", DType.F32, new long[]{2, 2}), w.info("a.weight"));
            assertArrayEquals(new float[]{1, 2, 3, 4}, w.floats("a.weight"));
            assertArrayEquals(new float[]{0.5f, -1}, w.floats("b.weight"));
            assertArrayEquals(new long[]{9}, w.longs("b.count"));
            assertEquals("44", w.metadata().get("total_size"));
            assertEquals(2, s.shardPaths().size());
            assertNull(w.info("nope"));
        }
    }

    @Test
    void closeClosesEveryShard() throws IOException {
        WeightFile w = ShardedWeights.open(twoShards());
        var a = w.bytes("a.bias");
        var b = w.bytes("b.count");
        w.close();
        assertThrows(IllegalStateException.class, () -> a.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> b.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void missingShard() throws IOException {
        twoShards();
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        String m = refused(dir.resolve("model.safetensors.index.json"));
        assertTrue(m.contains("shard 'model-00002-of-00002.safetensors' does not exist"), m);
    }

    @Test
    void tensorMissingFromItsShard() throws IOException {
        twoShards();
        String m = refused(index("""
                {"weight_map": {"a.bias": "model-00001-of-00002.safetensors",
                                "b.bias": "model-00002-of-00002.safetensors"}}"""));
        assertTrue(m.contains("'b.bias' is listed in shard 'model-00002-of-00002.safetensors'"), m);
    }

    @Test
    void shardsMustStayInTheIndexDirectory() throws IOException {
        twoShards();
        for (String evil : List.of("../model-00001-of-00002.safetensors", "/etc/passwd", "", ".", "a/../../x")) {
            String m = refused(index("{\"weight_map\": {\"a.bias\": \"" + evil + "\"}}"));
            assertTrue(m.contains("is not a file inside"), m);
        }
    }

    @Test
    void malformedIndexes() throws IOException {
        assertTrue(refused(index("{\"weight_map\": ")).contains("not valid JSON"));
        assertTrue(refused(index("[]")).contains("JSON object"));
        assertTrue(refused(index("{\"metadata\": {}}")).contains("weight_map"));
        assertTrue(refused(index("{\"weight_map\": {\"a\": 3}}")).contains("should name a shard file"));
        assertTrue(refused(index("{\"weight_map\": {\"a\": \"x.safetensors\", \"a\": \"y.safetensors\"}}"))
                .contains("not valid JSON"));
        assertTrue(refused(index("{\"weight_map\": {\"a\": \"model.safetensors.index.json\"}}")).contains("itself an index"));
    }

    @Test
    void corruptShardIsReportedAndOthersClosed() throws IOException {
        twoShards();
        Files.write(dir.resolve("model-00002-of-00002.safetensors"), new byte[]{1, 2, 3});
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ShardedWeights.open(dir.resolve("model.safetensors.index.json")));
        assertTrue(e.getMessage().startsWith("model-00002-of-00002.safetensors"), e.getMessage());
    }

    @Test
    void pytorchBinShards() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .unicode("w").tensor("FloatStorage", "0", 2).setitems().stop();
        Files.write(dir.resolve("pytorch_model-00001-of-00001.bin"),
                new TorchZipBuilder().pickle(p).storageF32("0", 3, 4).toBytes());
        Path idx = dir.resolve("pytorch_model.bin.index.json");
        Files.writeString(idx, "{\"weight_map\": {\"w\": \"pytorch_model-00001-of-00001.bin\"}}");
        try (WeightFile w = WeightFiles.open(idx)) {
            assertArrayEquals(new float[]{3, 4}, w.floats("w"));
        }
    }
}
