package io.clip4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code clip4j index} and {@code clip4j search} end to end, with the tiny fixture model. */
class IndexSearchCommandTest {



    private static Path fixture(String name) {
        String prop = System.getProperty("clip4j.testdata");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "testdata").toAbsolutePath().normalize();
        return p.resolve("fixtures").resolve(name);
    }

    private static void image(Path file, long seed) throws Exception {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(40, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        for (int k = 0; k < 5; k++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillRect(r.nextInt(40), r.nextInt(32), 5 + r.nextInt(30), 5 + r.nextInt(25));
        }
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(img, file.toString().endsWith(".png") ? "png" : "jpeg", file.toFile());
    }

    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void indexUpdateAndSearch(@TempDir Path tmp) throws Exception {
        String model = fixture("clip-vit-openai-tiny").toString();
        Path photos = tmp.resolve("photos");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            Path f = photos.resolve("d" + (i % 4)).resolve("p" + i + (i % 2 == 0 ? ".png" : ".JPEG"));
            image(f, i);
            files.add(f.toAbsolutePath().normalize());
        }
        Path corrupt = photos.resolve("d0/corrupt.jpg");
        Files.write(corrupt, new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 1, 2, 3});
        String index = tmp.resolve("index").toString();

        CliRunner.Result first = CliRunner.run("index", "--model", model, "--index", index, photos.toString(), "--json");
        assertEquals(0, first.exitCode(), first.err());
        JsonNode r1 = json(first.out());
        assertEquals(241, r1.get("found").asInt());
        assertEquals(240, r1.get("added").asInt());
        assertEquals(1, r1.get("skipped").asInt());
        assertEquals(corrupt.toAbsolutePath().normalize().toString(), r1.get("skipped_files").get(0).get("path").asText());
        assertTrue(!r1.get("skipped_files").get(0).get("reason").asText().isBlank());
        assertEquals(240, r1.get("images").asInt());

        CliRunner.Result second = CliRunner.run("index", "--model", model, "--index", index, photos.toString());
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.out().contains("added 0, updated 0, removed 0, unchanged 240, skipped 1"), second.out());
        assertTrue(second.out().contains("nothing to embed"), second.out());
        assertTrue(second.err().contains("skipped " + corrupt.toAbsolutePath().normalize()), second.err());

        Files.setLastModifiedTime(files.get(0), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        image(files.get(1), 10_001);
        Files.delete(files.get(2));
        image(photos.resolve("d3/new.bmp.png"), 10_002);
        JsonNode r3 = json(CliRunner.run("index", "--model", model, "--index", index, photos.toString(), "--json").out());
        assertEquals(List.of(1, 1, 1, 238, 1), List.of(r3.get("added").asInt(), r3.get("updated").asInt(),
                r3.get("removed").asInt(), r3.get("unchanged").asInt(), r3.get("skipped").asInt()));

        // --paths: absolute paths only, best first; an indexed image finds itself first
        CliRunner.Result paths = CliRunner.run("search", "--model", model, "--index", index, "--image", files.get(5).toString(), "--top", "7", "--paths");
        assertEquals(0, paths.exitCode(), paths.err());
        List<String> lines = paths.out().lines().toList();
        assertEquals(7, lines.size());
        assertEquals(files.get(5).toString(), lines.getFirst());
        lines.forEach(l -> assertTrue(Path.of(l).isAbsolute() && Files.isRegularFile(Path.of(l)), l));

        // --json with a weighted text combination; HNSW and --exact agree on a small index
        CliRunner.Result js = CliRunner.run("search", "--model", model, "--index", index, "a red bicycle", "--minus", "a car",
                "--weights", "1,0.5", "--top", "5", "--json");
        assertEquals(0, js.exitCode(), js.err());
        JsonNode doc = json(js.out());
        assertEquals(-0.5, doc.get("query").get(1).get("weight").asDouble());
        assertEquals(5, doc.get("hits").size());
        JsonNode exact = json(CliRunner.run("search", "--model", model, "--index", index, "a red bicycle", "--minus", "a car",
                "--weights", "1,0.5", "--top", "5", "--json", "--exact").out());
        assertEquals(doc.get("hits"), exact.get("hits"));
        double prev = Double.MAX_VALUE;
        for (JsonNode h : doc.get("hits")) {
            assertTrue(h.get("score").asDouble() <= prev);
            prev = h.get("score").asDouble();
        }

        CliRunner.Result human = CliRunner.run("search", "--model", model, "--index", index, "a photo", "--top", "3");
        assertEquals(3, human.out().lines().count(), human.out());
        assertTrue(human.out().lines().findFirst().orElseThrow().matches("\\s+1\\s+-?\\d\\.\\d{4}\\s+/.*"), human.out());
    }

    @Test
    void clearErrors(@TempDir Path tmp) throws Exception {
        String model = fixture("clip-vit-openai-tiny").toString();
        Path photos = tmp.resolve("photos");
        image(photos.resolve("a.png"), 1);
        String index = tmp.resolve("index").toString();
        assertEquals(0, CliRunner.run("index", "--model", model, "--index", index, photos.toString()).exitCode());

        CliRunner.Result other = CliRunner.run("search", "--model", fixture("clip-vit-hf-tiny").toString(), "--index", index, "x");
        assertEquals(1, other.exitCode());
        assertTrue(other.err().contains("was built with model 'clip-vit-openai-tiny'")
                && other.err().contains("'clip-vit-hf-tiny'"), other.err());
        CliRunner.Result otherIndex = CliRunner.run("index", "--model", fixture("clip-vit-hf-tiny").toString(), "--index", index, photos.toString());
        assertEquals(1, otherIndex.exitCode());

        CliRunner.Result missing = CliRunner.run("search", "--model", model, "--index", tmp.resolve("nope").toString(), "x");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("no index here"), missing.err());

        CliRunner.Result noQuery = CliRunner.run("search", "--model", model, "--index", index);
        assertEquals(2, noQuery.exitCode());
        CliRunner.Result badWeights = CliRunner.run("search", "--model", model, "--index", index, "x", "--weights", "1,2");
        assertEquals(2, badWeights.exitCode());
        assertTrue(badWeights.err().contains("--weights has 2 values for 1"), badWeights.err());
        CliRunner.Result both = CliRunner.run("search", "--model", model, "--index", index, "x", "--json", "--paths");
        assertEquals(2, both.exitCode());
        CliRunner.Result noDir = CliRunner.run("index", "--model", model, "--index", index, tmp.resolve("nodir").toString());
        assertEquals(2, noDir.exitCode());
    }
}
