package io.clip4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An interrupted run resumed from its checkpoint ends where an uninterrupted run ends. */
class TrainerResumeTest {

    private static TrainConfig config(Path out) {
        var json = new ObjectMapper().createObjectNode();
        json.put("arch", "clip4j-fashion-tiny");
        json.put("output", out.toString());
        json.put("subset", 512);
        json.put("epochs", 2);
        json.put("batch_size", 64);
        json.put("lr", 1e-3);
        json.put("warmup_steps", 3);
        json.put("eval_every_epochs", 0);
        json.put("checkpoint_every_steps", 3);
        json.put("seed", 7);
        json.put("patch_dropout", 0.25); // FLIP's masking in the first epoch, every patch in the second
        json.put("patch_dropout_epochs", 1);
        return TrainConfig.merge(TrainConfig.defaults(), json);
    }

    @Test
    void resumedRunMatchesTheUninterruptedOne(@TempDir Path tmp) throws Exception {
        Path straight = tmp.resolve("straight");
        new Trainer(config(straight), null).run();

        Path broken = tmp.resolve("broken");
        class Crash extends RuntimeException {
            private static final long serialVersionUID = 1L;
        }
        assertThrows(Crash.class, () -> new Trainer(config(broken), new TrainListener() {
            @Override
            public void step(StepStats s) {
                if (s.step() == 11) {
                    throw new Crash();
                }
            }
        }).run());
        assertTrue(Files.isRegularFile(broken.resolve("checkpoint").resolve(TrainingState.FILE)));
        int[] firstStep = {0};
        TrainConfig resume = TrainConfig.merge(config(broken), new ObjectMapper().createObjectNode().put("resume", true));
        new Trainer(resume, new TrainListener() {
            @Override
            public void started(String description, int startStep, int totalSteps, int stepsPerEpoch) {
                firstStep[0] = startStep;
            }
        }).run();
        assertEquals(9, firstStep[0], "resumed after the checkpoint of step 9");
        try (SafeTensorsFile a = SafeTensorsFile.open(straight.resolve("model").resolve("model.safetensors"));
             SafeTensorsFile b = SafeTensorsFile.open(broken.resolve("model").resolve("model.safetensors"))) {
            double worst = 0;
            for (TensorInfo t : a.tensors()) {
                worst = Math.max(worst, Fixtures.relErr(b.floats(t.name()), a.floats(t.name())));
            }
            assertTrue(worst < 1e-4, "resumed and uninterrupted runs differ by " + worst);
        }
    }
}
