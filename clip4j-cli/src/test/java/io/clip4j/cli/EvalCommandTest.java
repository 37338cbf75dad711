package io.clip4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code clip4j eval}: output formats, the default model, bad arguments. */
class EvalCommandTest {

    /** Runs the CLI and returns exit code, stdout and stderr. */


    @Test
    void zeroShotJsonOnAnyClipCheckpoint() throws Exception {
        Path model = TrainStepCommandTest.fixture("clip-vit-openai-tiny");
        CliRunner.Result r = CliRunner.run("eval", "zero-shot", "--model", model.toString(), "--limit", "40", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = Json.MAPPER.readTree(r.out());
        double acc = j.get("accuracy").asDouble();
        assertTrue(acc >= 0 && acc <= 1, r.out());
        assertEquals(40, j.get("total").asInt());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        Path model = TrainStepCommandTest.fixture("clip-vit-openai-tiny");
        assertEquals(2, CliRunner.run("eval", "zero-shot", "--model", model.toString(), "--dataset", "cifar10").exitCode());
        assertEquals(2, CliRunner.run("eval", "zero-shot", "--model", model.toString(), "--split", "val").exitCode());
        CliRunner.Result r = CliRunner.run("eval", "zero-shot", "--model", TrainStepCommandTest.fixture("vit-hf-tiny").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("classifier"), r.err());
    }

    /** The shipped default model (models/default) meets the targets it was trained for, on the whole test split. */
    @Test
    void theDefaultModelIsUsedWithANoticeAndReachesItsAccuracy() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(repo.resolve("models/default/model.safetensors")), "models/default is missing");
        CliRunner.Result r = CliRunner.run("eval", "zero-shot", "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("Fashion-MNIST demo"), r.err());
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertEquals(10_000, j.get("total").asInt());
        double acc = j.get("accuracy").asDouble();
        assertTrue(acc >= 0.90, "default model zero-shot accuracy on the Fashion-MNIST test split: " + acc);
    }
}
