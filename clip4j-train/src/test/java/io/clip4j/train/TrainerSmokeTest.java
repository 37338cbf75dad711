package io.clip4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Models;
import io.clip4j.tensor.Kernels;
import io.clip4j.data.FashionMnist;
import io.clip4j.train.eval.FashionEval;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short training run on a Fashion-MNIST subset: the loss falls, the saved model loads through the
 * core's inference loader, and its zero-shot test accuracy is far above chance (0.1).
 */
class TrainerSmokeTest {

    @Test
    void shortFashionRunLearns(@TempDir Path dir) throws Exception {
        var json = new ObjectMapper().createObjectNode();
        json.put("arch", "clip4j-fashion-tiny");
        json.put("output", dir.toString());
        json.put("subset", 6400);
        json.put("epochs", 3);
        json.put("batch_size", 64);
        json.put("lr", 2e-3);
        json.put("warmup_steps", 20);
        json.put("eval_every_epochs", 3);
        json.put("eval_limit", 2000);
        json.put("log_every_steps", 5);
        TrainConfig cfg = TrainConfig.merge(TrainConfig.defaults(), json);
        List<Double> losses = new ArrayList<>();
        Trainer.Summary s = new Trainer(cfg, new TrainListener() {
            @Override
            public void step(StepStats stats) {
                losses.add(stats.loss());
            }
        }).run();
        assertTrue(losses.size() == 300, "steps: " + losses.size());
        double first = losses.subList(0, 10).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(losses.size() - 10, losses.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        System.out.printf("loss %.3f -> %.3f, zero-shot %.3f, %.0f img/s%n", first, last, s.zeroShotAccuracy(), s.imagesPerSecond());
        assertTrue(last < first - 1.0, "loss should fall: " + first + " -> " + last);
        assertTrue(s.zeroShotAccuracy() > 0.5, "zero-shot accuracy " + s.zeroShotAccuracy());

        // the saved model is a normal HF CLIP checkpoint: the core loads it, and its zero-shot accuracy matches
        Path model = dir.resolve("model");
        assertTrue(Files.isRegularFile(model.resolve("config.json")) && Files.isRegularFile(model.resolve("preprocessor_config.json")));
        try (EmbeddingModel inf = Models.loadEmbedding(model, null, Kernels.get())) {
            var r = FashionEval.zeroShot(inf, FashionMnist.load(FashionMnist.Split.TEST), 2000);
            assertTrue(Math.abs(r.accuracy() - s.zeroShotAccuracy()) < 0.01,
                    "inference accuracy " + r.accuracy() + " vs training-time " + s.zeroShotAccuracy());
        }
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        JsonNode lastLine = new ObjectMapper().readTree(lines.getLast());
        assertTrue(lastLine.has("zero_shot_test_accuracy"), lines.getLast());
    }
}
