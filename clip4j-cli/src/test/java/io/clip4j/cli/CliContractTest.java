package io.clip4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.SafeTensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI contract: infer, tokenize, preprocess, embed, classify, and one-line errors. */
class CliContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "infer {0} {1}")
    @CsvSource({
            "clip-vit-openai-tiny, model.safetensors, '', 'image_features,text_features,image_embeds,text_embeds,logits_per_image,logits_per_text'",
            "clip-vit-openai-tiny, model.pt, fp16., 'image_features,text_features,logits_per_image'",
            "clip-rn-openai-tiny, model.pt, '', 'image_features,text_features,logits_per_image'",
            "clip-vit-hf-tiny, model.safetensors, '', 'image_features,text_features,image_embeds,text_embeds,logits_per_image'",
            "siglip-hf-tiny, model.safetensors, '', 'image_embeds,text_embeds,logits_per_image,logits_per_text'",
            "siglip-hf-tiny/vision, model.safetensors, '', 'pooler_output,last_hidden_state'",
            "vit-hf-tiny, model.safetensors, '', 'logits'",
            "vit-timm-tiny, model.safetensors, '', 'logits'"})
    void inferReproducesTheGoldens(String fixture, String weights, String prefix, String names) {
        Path dir = CliRunner.fixture(fixture);
        Path out = tmp.resolve("out.safetensors");
        CliRunner.Result r = CliRunner.run("infer", "--model", dir.toString(), "--weights", weights,
                "--inputs", dir.resolve("golden.safetensors").toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        try (SafeTensorsFile got = SafeTensorsFile.open(out); SafeTensorsFile want = SafeTensorsFile.open(dir.resolve("golden.safetensors"))) {
            for (String name : names.split(",")) {
                double e = CliRunner.relErr(got.floats(name), want.floats(prefix + name));
                assertTrue(e < 1e-4, fixture + " " + name + ": " + e);
            }
        }
    }

    @Test
    void tokenizeMatchesTheReferenceCases() throws IOException {
        List<String> lines = Files.readAllLines(CliRunner.testdata().resolve("fixtures/tokenizer/clip-bpe-cases.jsonl"));
        StringBuilder in = new StringBuilder();
        List<JsonNode> cases = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i += 20) {
            JsonNode c = JSON.readTree(lines.get(i));
            cases.add(c);
            in.append(JSON.writeValueAsString(java.util.Map.of("text", c.get("text").asText()))).append('\n');
        }
        CliRunner.Result r = CliRunner.runWithInput(in.toString(), "tokenize", "--jsonl");
        assertEquals(0, r.exitCode(), r.err());
        List<String> outLines = r.out().lines().toList();
        assertEquals(cases.size(), outLines.size());
        for (int i = 0; i < cases.size(); i++) {
            JsonNode got = JSON.readTree(outLines.get(i));
            assertEquals(cases.get(i).get("ids"), got.get("ids"), "ids of " + cases.get(i).get("text"));
            assertEquals(cases.get(i).get("tokenize77"), got.get("input_ids"), "input_ids of " + cases.get(i).get("text"));
        }
    }

    @Test
    void tokenizeWithASentencePieceModel() throws IOException {
        Path dir = CliRunner.testdata().resolve("fixtures/tokenizer/sentencepiece");
        JsonNode c = JSON.readTree(Files.readAllLines(dir.resolve("spm-unigram-cases.jsonl")).get(3));
        CliRunner.Result r = CliRunner.runWithInput(JSON.writeValueAsString(java.util.Map.of("text", c.get("text").asText())) + "\n",
                "tokenize", "--tokenizer", dir.resolve("spm-unigram.model").toString(), "--jsonl");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(c.get("ids"), JSON.readTree(r.out().strip()).get("ids"));
    }

    @Test
    void siglipTokenizeAndEmbedUseTheCheckpointsSentencePieceModel() throws IOException {
        Path spm = CliRunner.testdata().resolve("fixtures/tokenizer/sentencepiece");
        Path dir = tmp.resolve("siglip");
        int vocab = io.clip4j.text.spm.SentencePieceModel.load(spm.resolve("spm-unigram.model")).vocabSize();
        io.clip4j.model.siglip.SyntheticSiglip.write(
                new io.clip4j.model.siglip.SiglipVisionConfig(32, 8, 32, 1, 2, 64, io.clip4j.tensor.Activation.GELU_TANH, 1e-6f, true),
                new io.clip4j.model.TextConfig(vocab, 64, 32, 1, 2, 64, io.clip4j.tensor.Activation.GELU_TANH, 1e-6f,
                        io.clip4j.model.TextConfig.Pooling.LAST, 1, 0, false, false),
                1, io.clip4j.weights.DType.F32, dir);
        Files.copy(spm.resolve("spm-unigram.model"), dir.resolve("spiece.model"));
        // the fixture pipeline pads with the model's <pad> piece; real checkpoints say which in this file
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"<pad>\", \"eos_token\": \"</s>\"}");
        List<String> lines = Files.readAllLines(spm.resolve("spm-unigram-cases.jsonl"));
        StringBuilder in = new StringBuilder();
        List<JsonNode> cases = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i += 97) {
            JsonNode c = JSON.readTree(lines.get(i));
            cases.add(c);
            in.append(JSON.writeValueAsString(java.util.Map.of("text", c.get("text").asText()))).append('\n');
        }
        CliRunner.Result r = CliRunner.runWithInput(in.toString(), "tokenize", "--model", dir.toString(), "--jsonl");
        assertEquals(0, r.exitCode(), r.err());
        List<String> out = r.out().lines().toList();
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(cases.get(i).get("siglip_ids"), JSON.readTree(out.get(i)).get("input_ids"), cases.get(i).get("text").asText());
        }
        CliRunner.Result e = CliRunner.run("embed", "--model", dir.toString(), "--text", "a photo of a cat", "--image",
                CliRunner.testdata().resolve("fixtures/preprocess/images/chelsea.png").toString(), "--json");
        assertEquals(0, e.exitCode(), e.err());
        assertTrue(JSON.readTree(e.out()).has("probs_sigmoid"));
    }

    @ParameterizedTest(name = "preprocess {0} {1}")
    @CsvSource({"chelsea.png, clip", "china.jpg, siglip", "rgba.png, clip", "palette.png, siglip", "cmyk.jpg, clip"})
    void preprocessMatchesTheGoldens(String image, String preset) {
        Path dir = CliRunner.testdata().resolve("fixtures/preprocess");
        Path out = tmp.resolve("px.safetensors");
        CliRunner.Result r = CliRunner.run("preprocess", "--preset", preset, "--image",
                dir.resolve("images").resolve(image).toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        String name = image.substring(0, image.indexOf('.')) + "." + preset;
        try (SafeTensorsFile got = SafeTensorsFile.open(out); SafeTensorsFile want = SafeTensorsFile.open(dir.resolve("golden.safetensors"))) {
            assertArrayEquals(new long[]{3, 224, 224}, got.info("pixel_values").shape());
            float[] g = got.floats("pixel_values");
            float[] w = want.floats(name);
            for (int i = 0; i < w.length; i++) {
                assertEquals(w[i], g[i], 1e-6, name + " value " + i);
            }
        }
    }

    @Test
    void embedJsonHasNormalisedVectorsAndProbabilities() throws IOException {
        Path img = CliRunner.testdata().resolve("fixtures/preprocess/images/coffee.png");
        CliRunner.Result r = CliRunner.run("embed", "--model", CliRunner.fixture("clip-vit-openai-tiny").toString(),
                "--image", img.toString(), "--text", "a cup of coffee", "--text", "a cat", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(32, j.get("embed_dim").asInt());
        double norm = 0;
        for (JsonNode v : j.get("images").get(0).get("embedding")) {
            norm += v.asDouble() * v.asDouble();
        }
        assertEquals(1.0, norm, 1e-5);
        JsonNode p = j.get("probs_softmax_over_texts").get(0);
        assertEquals(1.0, p.get(0).asDouble() + p.get(1).asDouble(), 1e-5);
    }

    @Test
    void classifyWithAVitClassifierUsesItsLabels() throws IOException {
        Path img = CliRunner.testdata().resolve("fixtures/preprocess/images/flower.png");
        CliRunner.Result r = CliRunner.run("classify", "--model", CliRunner.fixture("vit-timm-tiny").toString(),
                "--image", img.toString(), "--top", "3", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode preds = JSON.readTree(r.out()).get("images").get(0).get("predictions");
        assertEquals(3, preds.size());
        assertTrue(preds.get(0).get("probability").asDouble() >= preds.get(1).get("probability").asDouble());
        List<String> labels = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
        assertTrue(labels.contains(preds.get(0).get("label").asText()));
    }

    @Test
    void zeroShotClassifierIsSavedAndReused() throws IOException {
        Path model = CliRunner.fixture("clip-vit-openai-tiny");
        Path img = CliRunner.testdata().resolve("fixtures/preprocess/images/astronaut.png");
        Path cls = tmp.resolve("cls.safetensors");
        CliRunner.Result a = CliRunner.run("classify", "--model", model.toString(), "--labels", "astronaut, cat, rocket",
                "--templates", "imagenet7", "--save-classifier", cls.toString());
        assertEquals(0, a.exitCode(), a.err());
        assertTrue(Files.exists(cls));
        CliRunner.Result b = CliRunner.run("classify", "--model", model.toString(), "--labels", "astronaut, cat, rocket",
                "--templates", "imagenet7", "--image", img.toString(), "--json");
        CliRunner.Result c = CliRunner.run("classify", "--model", model.toString(), "--classifier", cls.toString(),
                "--image", img.toString(), "--json");
        assertEquals(0, b.exitCode(), b.err());
        assertEquals(0, c.exitCode(), c.err());
        JsonNode fresh = JSON.readTree(b.out()).get("images").get(0).get("predictions");
        JsonNode cached = JSON.readTree(c.out()).get("images").get(0).get("predictions");
        assertEquals(fresh.size(), cached.size());
        for (int i = 0; i < fresh.size(); i++) {
            assertEquals(fresh.get(i).get("label"), cached.get(i).get("label"));
            assertEquals(fresh.get(i).get("probability").asDouble(), cached.get(i).get("probability").asDouble(), 1e-6);
        }
    }

    @Test
    void errorsAreOneLineWithoutStackTraces() throws IOException {
        CliRunner.Result missing = CliRunner.run("embed", "--model", tmp.resolve("nope").toString(), "--text", "x");
        assertEquals(1, missing.exitCode());
        assertOneLine(missing, "nope");

        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        Files.write(bad.resolve("model.safetensors"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        CliRunner.Result corrupt = CliRunner.run("embed", "--model", bad.toString(), "--text", "x");
        assertEquals(1, corrupt.exitCode());
        assertOneLine(corrupt, "model.safetensors");

        CliRunner.Result empty = CliRunner.run("embed", "--model", CliRunner.fixture("clip-vit-openai-tiny").toString(), "--text", " ");
        assertEquals(2, empty.exitCode());
        assertOneLine(empty, "empty");

        Path txt = tmp.resolve("photo.jpg");
        Files.writeString(txt, "this is not an image", StandardCharsets.UTF_8);
        CliRunner.Result notImage = CliRunner.run("embed", "--model", CliRunner.fixture("clip-vit-openai-tiny").toString(),
                "--image", txt.toString());
        assertEquals(1, notImage.exitCode());
        assertOneLine(notImage, "photo.jpg");

        Path trunc = tmp.resolve("trunc.safetensors");
        byte[] whole = new SafeTensorsWriter().putF32("pixel_values", new float[3 * 32 * 32], 1, 3, 32, 32).toBytes();
        Files.write(trunc, java.util.Arrays.copyOf(whole, whole.length / 2));
        CliRunner.Result truncated = CliRunner.run("infer", "--model", CliRunner.fixture("clip-vit-openai-tiny").toString(),
                "--inputs", trunc.toString(), "--out", tmp.resolve("o.safetensors").toString());
        assertEquals(1, truncated.exitCode());
        assertOneLine(truncated, "trunc.safetensors");
    }

    @Test
    void aVeryLongTextIsTruncatedLikeTheReference() {
        String longText = "a photo of a cat ".repeat(600);
        CliRunner.Result r = CliRunner.run("embed", "--model", CliRunner.fixture("clip-vit-openai-tiny").toString(),
                "--text", longText, "--json");
        assertEquals(0, r.exitCode(), r.err());
        CliRunner.Result strict = CliRunner.runWithInput("{\"text\": \"" + longText + "\"}\n", "tokenize", "--no-truncate");
        assertEquals(1, strict.exitCode());
        assertOneLine(strict, "context length");
    }

    private static void assertOneLine(CliRunner.Result r, String mentions) {
        String err = r.err().strip();
        assertFalse(err.contains("\tat "), "stack trace printed: " + err);
        assertEquals(1, err.lines().count(), "expected one line, got: " + err);
        assertTrue(err.startsWith("clip4j: error: "), err);
        assertTrue(err.contains(mentions), "message should mention '" + mentions + "': " + err);
    }
}
