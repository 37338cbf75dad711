package io.clip4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.data.FashionMnist;
import io.clip4j.task.LinearProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code clip4j probe train|predict} end to end on generated images and the fixture model. */
class ProbeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static CliRunner.Result cli(String... args) {
        return CliRunner.run(args);
    }

    private static Path model() {
        return CliRunner.fixture("clip-vit-openai-tiny");
    }

    /** A noisy picture dominated by one colour channel. */
    private static void writeImage(Path file, int channel, Random r) throws IOException {
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                int[] c = new int[3];
                for (int k = 0; k < 3; k++) {
                    c[k] = r.nextInt(60);
                }
                c[channel] = 180 + r.nextInt(70);
                img.setRGB(x, y, (c[0] << 16) | (c[1] << 8) | c[2]);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    private Path imageFolder() throws IOException {
        Path root = tmp.resolve("images");
        Random r = new Random(1);
        for (int i = 0; i < 8; i++) {
            writeImage(root.resolve("red/r" + i + ".png"), 0, r);
            writeImage(root.resolve("blue/b" + i + ".png"), 2, r);
        }
        Files.writeString(root.resolve("red/broken.png"), "not a png");
        Files.writeString(root.resolve("blue/notes.txt"), "ignored: not an image extension");
        return root;
    }

    @Test
    void trainsOnAnImageFolderAndPredicts() throws IOException {
        Path data = imageFolder();
        Path probe = tmp.resolve("probe.safetensors");
        CliRunner.Result train = cli("probe", "train", "--model", model().toString(), "--weights", "model.safetensors",
                "--data", data.toString(), "--out", probe.toString(), "--c-range", "-3:3", "--steps-per-decade", "1",
                "--val-fraction", "0.25", "--seed", "7", "--json");
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.err().contains("broken.png") && train.err().contains("skipped 1 unreadable image of 17"),
                "warning about the corrupt file: " + train.err());
        JsonNode j = JSON.readTree(train.out());
        assertEquals(16, j.get("samples").asInt());
        assertEquals(1, j.get("skipped").asInt());
        assertEquals("[\"blue\",\"red\"]", j.get("classes").toString());
        assertEquals(32, j.get("feature_dim").asInt());
        assertEquals(4, j.get("validation_samples").asInt());
        assertTrue(j.get("search").size() >= 4, j.toString());
        assertEquals(1.0, j.get("train_accuracy").asDouble(), j.toString());

        LinearProbe p = LinearProbe.load(probe);
        assertEquals(j.get("C").asDouble(), p.c());
        assertEquals("embedding", p.metadata().get("features"));

        Random r = new Random(99);
        Path red = tmp.resolve("new/red.png");
        Path blue = tmp.resolve("new/blue.png");
        writeImage(red, 0, r);
        writeImage(blue, 2, r);
        CliRunner.Result predict = cli("probe", "predict", "--model", model().toString(), "--weights", "model.safetensors",
                "--probe", probe.toString(), "--image", red.toString(), blue.toString(), "--top", "2", "--json");
        assertEquals(0, predict.exitCode(), predict.err());
        JsonNode pj = JSON.readTree(predict.out());
        assertEquals("red", pj.get("images").get(0).get("predictions").get(0).get("label").asText(), pj.toString());
        assertEquals("blue", pj.get("images").get(1).get("predictions").get(0).get("label").asText(), pj.toString());
        assertEquals(2, pj.get("images").get(0).get("predictions").size());

        CliRunner.Result text = cli("probe", "predict", "-m", model().toString(), "--weights", "model.safetensors",
                "-p", probe.toString(), "-i", red.toString(), "-k", "1");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains(red.toString()) && text.out().contains("%  red"), text.out());

        CliRunner.Result otherModel = cli("probe", "predict", "-m", model().toString(), "--weights", "model-fp16.safetensors",
                "-p", probe.toString(), "-i", red.toString());
        assertEquals(1, otherModel.exitCode());
        assertTrue(otherModel.err().contains("was trained with another model"), otherModel.err());
    }

    @Test
    void trainsFromACsvWithAFixedC() throws IOException {
        Path data = imageFolder();
        Path csv = data.resolve("labels.csv");
        StringBuilder sb = new StringBuilder("path,label\n");
        for (int i = 0; i < 8; i++) {
            sb.append("red/r").append(i).append(".png,warm\n");
            sb.append("\"blue/b").append(i).append(".png\",cold\n");
        }
        sb.append("missing.png,warm\n");
        Files.writeString(csv, sb.toString());
        Path probe = tmp.resolve("csv.safetensors");
        CliRunner.Result train = cli("probe", "train", "-m", model().toString(), "--weights", "model.safetensors",
                "--data", csv.toString(), "-o", probe.toString(), "--C", "1");
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.err().contains("missing.png"), train.err());
        assertTrue(train.out().contains("16 samples, 2 classes, 32 features (1 unreadable images skipped)"), train.out());
        assertTrue(train.out().contains("C=1.000 (fixed)"), train.out());
        assertTrue(train.out().contains("train accuracy 1.0000"), train.out());
        assertEquals(java.util.List.of("cold", "warm"), LinearProbe.load(probe).classNames());
    }

    @Test
    void trainsOnRawFashionMnistPixelsAndPredictsAPicture() throws IOException {
        Path probe = tmp.resolve("raw.safetensors");
        CliRunner.Result train = cli("probe", "train", "--data", "fashion-mnist", "--features", "raw", "--limit", "2000",
                "--C", "0.01", "--max-iter", "100", "--out", probe.toString(), "--json");
        assertEquals(0, train.exitCode(), train.err());
        JsonNode j = JSON.readTree(train.out());
        assertEquals(2000, j.get("samples").asInt());
        assertEquals(784, j.get("feature_dim").asInt());
        assertTrue(j.get("test_accuracy").asDouble() > 0.7, j.toString());

        FashionMnist test = FashionMnist.load(FashionMnist.Split.TEST);
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = test.imageBytes(1); // a pullover
        img.getRaster().setDataElements(0, 0, 28, 28, px);
        Path file = tmp.resolve("pullover.png");
        ImageIO.write(img, "png", file.toFile());
        CliRunner.Result predict = cli("probe", "predict", "--probe", probe.toString(), "--image", file.toString(), "--json");
        assertEquals(0, predict.exitCode(), predict.err());
        JsonNode pj = JSON.readTree(predict.out());
        assertEquals(test.labelName(1), pj.get("images").get(0).get("predictions").get(0).get("label").asText(), pj.toString());
    }

    @Test
    void embedsFashionMnistPicturesThroughTheModel() throws IOException {
        Path probe = tmp.resolve("fm.safetensors");
        CliRunner.Result train = cli("probe", "train", "-m", model().toString(), "--weights", "model.safetensors",
                "--data", "fashion-mnist", "--limit", "200", "--c-range", "-2:2", "--steps-per-decade", "1",
                "--out", probe.toString(), "--json");
        assertEquals(0, train.exitCode(), train.err());
        JsonNode j = JSON.readTree(train.out());
        assertEquals(200, j.get("samples").asInt());
        assertEquals(32, j.get("feature_dim").asInt());
        assertEquals(10, j.get("classes").size());
        // Random tiny weights still separate some classes: well above the 0.1 of guessing.
        assertTrue(j.get("test_accuracy").asDouble() > 0.2, j.toString());
        assertEquals("embedding", LinearProbe.load(probe).metadata().get("features"));
    }

    @Test
    void explainsBadUsage() throws IOException {
        Path out = tmp.resolve("p.safetensors");
        CliRunner.Result noModel = cli("probe", "train", "--data", tmp.toString(), "--out", out.toString());
        assertEquals(2, noModel.exitCode());
        assertTrue(noModel.err().contains("give --model"), noModel.err());
        CliRunner.Result rawFolder = cli("probe", "train", "--data", tmp.toString(), "--features", "raw", "--out", out.toString());
        assertEquals(2, rawFolder.exitCode());
        assertTrue(rawFolder.err().contains("--features raw works with --data fashion-mnist only"), rawFolder.err());
        CliRunner.Result badRange = cli("probe", "train", "--data", "fashion-mnist", "--features", "raw", "--c-range", "3", "--out",
                out.toString());
        assertEquals(2, badRange.exitCode());
        assertTrue(badRange.err().contains("--c-range must be MIN:MAX"), badRange.err());
        CliRunner.Result emptyFolder = cli("probe", "train", "-m", model().toString(), "--weights", "model.safetensors",
                "--data", Files.createDirectories(tmp.resolve("empty")).toString(), "--out", out.toString());
        assertEquals(1, emptyFolder.exitCode());
        assertTrue(emptyFolder.err().contains("no class subfolders"), emptyFolder.err());
        CliRunner.Result notProbe = cli("probe", "predict", "--probe", model().resolve("config.json").toString(), "--image", "x.png");
        assertEquals(1, notProbe.exitCode());
        assertTrue(notProbe.err().contains("config.json"), notProbe.err());
    }
}
