package io.clip4j.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightFilesTest {

    @TempDir
    Path tmp;

    private String refused(Path p) {
        return assertThrows(ModelFormatException.class, () -> WeightFiles.open(p).close()).getMessage();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void picksTheReaderByContent() throws IOException {
        try (WeightFile w = WeightFiles.open(WeightsTestData.fixture("clip-rn-openai-tiny", "model.pt"))) {
            assertInstanceOf(TorchZipFile.class, w);
        }
        try (WeightFile w = WeightFiles.open(WeightsTestData.fixture("clip-rn-openai-tiny", "model.safetensors"))) {
            assertInstanceOf(SafeTensorsFile.class, w);
        }
        // Names do not matter: a safetensors file called .bin and a checkpoint called .safetensors.bak.
        Path st = write("weights.bin", new SafeTensorsWriter().putF32("x", new float[]{1}).toBytes());
        try (WeightFile w = WeightFiles.open(st)) {
            assertInstanceOf(SafeTensorsFile.class, w);
        }
        Path pt = write("weights.safetensors.bak", Files.readAllBytes(WeightsTestData.fixture("clip-rn-openai-tiny", "model.pt")));
        try (WeightFile w = WeightFiles.open(pt)) {
            assertInstanceOf(TorchZipFile.class, w);
        }
    }

    @Test
    void legacyTorchCheckpointGetsAdvice() throws IOException {
        byte[] legacy = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20,
                0x6a, (byte) 0xa8, 0x50, 0x19, 0x2e};
        String m = refused(write("old.pt", legacy));
        assertTrue(m.startsWith("old.pt: a legacy PyTorch checkpoint (torch < 1.6") && m.contains("safetensors"), m);
        m = refused(write("raw.pkl", new PickleBuilder().proto(4).none().stop().bytes()));
        assertTrue(m.contains("raw Python pickle") && m.contains("Re-save"), m);
        byte[] tar = new byte[1024];
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, tar, 257, 5);
        assertTrue(refused(write("ancient.pt", tar)).contains("legacy PyTorch checkpoint"));
    }

    @Test
    void unknownFormatsListTheSupportedOnes() throws IOException {
        String m = refused(write("model.gguf", "GGUF\3\0\0\0 and more bytes".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(m.startsWith("model.gguf: unrecognised weights file format") && m.contains("safetensors")
                && m.contains("torch.save"), m);
        assertTrue(refused(write("empty.pt", new byte[0])).contains("unrecognised"));
        assertTrue(refused(tmp).contains("is a directory"));
        assertTrue(refused(tmp.resolve("absent.pt")).contains("no such file"));
        // A .safetensors name sends garbage to the safetensors reader for a precise message.
        assertTrue(refused(write("bad.safetensors", new byte[]{1, 2})).contains("not a safetensors file"));
        // A zip that is not a checkpoint (say, a NumPy .npz).
        byte[] npz = new TorchZipBuilder().folder("arr_0.npy").toBytes();
        assertTrue(refused(write("arrays.npz", npz)).contains("not a PyTorch checkpoint"));
    }
}
