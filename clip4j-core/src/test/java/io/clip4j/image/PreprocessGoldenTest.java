package io.clip4j.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.weights.SafeTensorsFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every fixture image through both pipelines, compared with the PyTorch/PIL goldens. */
class PreprocessGoldenTest {

    private static SafeTensorsFile golden;
    private static final ImageLoader LOADER = new ImageLoader();

    @BeforeAll
    static void open() {
        golden = SafeTensorsFile.open(TestData.preprocess().resolve("golden.safetensors"));
    }

    @AfterAll
    static void close() {
        golden.close();
    }

    static List<JsonNode> cases() throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readString(TestData.preprocess().resolve("cases.json")));
        List<JsonNode> out = new ArrayList<>();
        root.forEach(out::add);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesWithPilModeAndSize(JsonNode c) {
        DecodedImage im = LOADER.load(TestData.preprocess().resolve(c.get("file").asText()));
        assertEquals(c.get("pil_mode").asText(), im.mode().pilName(), "mode");
        assertEquals(c.get("width").asInt(), im.width());
        assertEquals(c.get("height").asInt(), im.height());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void clipGeometryMatchesCases(JsonNode c) {
        PreprocessConfig cfg = PreprocessConfig.clip(224);
        int[] resized = cfg.resizedSize(c.get("width").asInt(), c.get("height").asInt());
        assertEquals(c.get("clip_resized_wh").get(0).asInt(), resized[0]);
        assertEquals(c.get("clip_resized_wh").get(1).asInt(), resized[1]);
        int[] at = cfg.cropOffsets(resized[0], resized[1]);
        assertEquals(c.get("clip_crop_left_top").get(0).asInt(), at[0]);
        assertEquals(c.get("clip_crop_left_top").get(1).asInt(), at[1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void clipMatchesGolden(JsonNode c) {
        check(c.get("name").asText() + ".clip", PreprocessConfig.clip(224), c.get("file").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void siglipMatchesGolden(JsonNode c) {
        check(c.get("name").asText() + ".siglip", PreprocessConfig.siglip(224), c.get("file").asText());
    }

    /** The resize + normalise path alone, on libjpeg-turbo's own decode of china.jpg. */
    @Test
    void resizePathOnReferenceDecodedChina() {
        check("china.clip", PreprocessConfig.clip(224), "images/china.jpg.decoded.png");
        check("china.siglip", PreprocessConfig.siglip(224), "images/china.jpg.decoded.png");
    }

    private static void check(String tensor, PreprocessConfig cfg, String file) {
        DecodedImage im = LOADER.load(TestData.preprocess().resolve(file));
        PixelValues pv = new Preprocessor(cfg).apply(im);
        assertEquals(224, pv.height());
        assertEquals(224, pv.width());
        float[] expected = golden.floats(tensor);
        assertEquals(expected.length, pv.chw().length);
        float[] mean = cfg.mean();
        float[] std = cfg.std();
        int plane = 224 * 224;
        int levelDiffs = 0;
        double maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            int ch = i / plane;
            long e = Math.round((expected[i] * std[ch] + mean[ch]) * 255.0);
            long g = Math.round((pv.chw()[i] * std[ch] + mean[ch]) * 255.0);
            if (e != g) {
                levelDiffs++;
            }
            maxAbs = Math.max(maxAbs, Math.abs(expected[i] - pv.chw()[i]));
        }
        assertEquals(0, levelDiffs, tensor + ": values differing in their 8-bit level (max abs diff " + maxAbs + ")");
        assertTrue(maxAbs <= 1e-6, tensor + ": max abs diff " + maxAbs);
        assertArrayEquals(expected, pv.chw(), 1e-6f, tensor);
    }
}
