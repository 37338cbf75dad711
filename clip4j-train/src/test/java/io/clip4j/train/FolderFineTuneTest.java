package io.clip4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Models;
import io.clip4j.tensor.Kernels;
import io.clip4j.weights.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fine-tuning a loaded checkpoint on a folder of images with a captions file, with a frozen tower. */
class FolderFineTuneTest {

    private static Path folder(Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        String[] colours = {"red", "green", "blue", "yellow"};
        Color[] awt = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};
        StringBuilder csv = new StringBuilder("file,caption\n");
        for (int i = 0; i < 8; i++) {
            BufferedImage im = new BufferedImage(40 + i, 36, BufferedImage.TYPE_INT_RGB);
            var g = im.createGraphics();
            g.setColor(awt[i % 4]);
            g.fillRect(0, 0, im.getWidth(), im.getHeight());
            g.setColor(Color.WHITE);
            g.fillOval(i, i, 10, 10);
            g.dispose();
            ImageIO.write(im, "png", images.resolve("img" + i + ".png").toFile());
            csv.append("img").append(i).append(".png,\"a ").append(colours[i % 4]).append(" square, with a dot\"\n");
        }
        Files.writeString(dir.resolve("captions.csv"), csv);
        return images;
    }

    @Test
    void fineTunesTheTextTowerOfAnOpenAiClipOnAFolder(@TempDir Path tmp) throws Exception {
        Path images = folder(tmp);
        Path src = Fixtures.fixture("clip-vit-openai-tiny");
        var json = new ObjectMapper().createObjectNode();
        json.put("model", src.toString());
        json.putNull("arch");
        json.putNull("dataset");
        json.put("images", images.toString());
        json.put("captions", tmp.resolve("captions.csv").toString());
        json.put("output", tmp.resolve("run").toString());
        json.put("epochs", 3);
        json.put("batch_size", 4);
        json.put("lr", 1e-3);
        json.put("warmup_steps", 1);
        json.put("freeze", "vision");
        json.put("eval_every_epochs", 0);
        Trainer.Summary s = new Trainer(TrainConfig.merge(TrainConfig.defaults(), json), null).run();
        assertTrue(s.steps() == 6, "steps " + s.steps());
        Path out = tmp.resolve("run/model");
        try (SafeTensorsFile a = SafeTensorsFile.open(src.resolve("model.safetensors"));
             SafeTensorsFile b = SafeTensorsFile.open(out.resolve("model.safetensors"))) {
            for (var t : a.tensors()) {
                boolean same = Arrays.equals(a.floats(t.name()), b.floats(t.name()));
                if (t.name().startsWith("visual.")) {
                    assertTrue(same, "frozen " + t.name() + " changed");
                }
            }
            assertFalse(Arrays.equals(a.floats("text_projection"), b.floats("text_projection")),
                    "the text tower trained");
        }
        // the fine-tuned directory is a complete checkpoint (config copied)
        try (EmbeddingModel m = Models.loadEmbedding(out, null, Kernels.get())) {
            assertTrue(m.embedTexts(java.util.List.of("a red square")).data().length > 0);
        }
    }

    @Test
    void captionFilesAreValidated(@TempDir Path tmp) throws Exception {
        Path images = folder(tmp);
        Files.writeString(tmp.resolve("bad.csv"), "name,description\nimg0.png,a\n");
        Files.writeString(tmp.resolve("missing.jsonl"), "{\"image\": \"nope.png\", \"caption\": \"x\"}\n");
        Files.writeString(tmp.resolve("ok.jsonl"), "{\"image\": \"img0.png\", \"captions\": [\"a\", \"b\"]}\n"
                + "\n{\"file\": \"img1.png\", \"text\": \"c\"}\n");
        assertThrows(java.io.IOException.class, () -> io.clip4j.train.data.CaptionFile.read(tmp.resolve("bad.csv")));
        var ok = io.clip4j.train.data.CaptionFile.read(tmp.resolve("ok.jsonl"));
        assertTrue(ok.size() == 3 && ok.get(2).caption().equals("c"), ok.toString());
        var csv = io.clip4j.train.data.CaptionFile.read(tmp.resolve("captions.csv"));
        assertTrue(csv.getFirst().caption().equals("a red square, with a dot"), csv.getFirst().toString());
        assertThrows(java.io.IOException.class, () -> new io.clip4j.train.data.FolderPairs(images,
                tmp.resolve("missing.jsonl"), null, 32, 0));
    }
}
