package io.clip4j.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.weights.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Reads CLIP BPE vocabularies: OpenAI's merges file and Hugging Face's tokenizer files. */
final class BpeFiles {

    private BpeFiles() {}

    /** The number of merges OpenAI's tokenizer takes from its file: 49152 - 256 - 2. */
    static final int OPENAI_MERGE_COUNT = 49152 - 256 - 2;

    static final String SOT = "<|startoftext|>";
    static final String EOT = "<|endoftext|>";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * OpenAI's {@code bpe_simple_vocab_16e6.txt.gz} as {@code SimpleTokenizer} reads it: the merges are
     * lines 1..48894 (after a header line), and the vocabulary is the 256 byte characters, the same
     * with "&lt;/w&gt;", every merge joined, then the start and end of text tokens.
     */
    static BpeModel openAi(InputStream gzipped, String name) throws IOException {
        String content;
        try (InputStream in = new GZIPInputStream(gzipped)) {
            content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] lines = content.split("\n", -1);
        if (lines.length < OPENAI_MERGE_COUNT + 1) {
            throw new ModelFormatException(name + ": expected at least " + (OPENAI_MERGE_COUNT + 1)
                    + " lines (a header and the merges), found " + lines.length);
        }
        List<String[]> merges = new ArrayList<>(OPENAI_MERGE_COUNT);
        for (int i = 1; i <= OPENAI_MERGE_COUNT; i++) {
            merges.add(parseMerge(lines[i], name, i + 1));
        }
        List<String> vocab = new ArrayList<>();
        List<String> byteChars = BpeModel.byteCharsInVocabularyOrder();
        vocab.addAll(byteChars);
        for (String c : byteChars) {
            vocab.add(c + BpeModel.END_OF_WORD);
        }
        for (String[] merge : merges) {
            vocab.add(merge[0] + merge[1]);
        }
        vocab.add(SOT);
        vocab.add(EOT);
        Map<String, Integer> encoder = new LinkedHashMap<>();
        for (int id = 0; id < vocab.size(); id++) {
            encoder.put(vocab.get(id), id); // a later duplicate wins, as in the reference's dict
        }
        return new BpeModel(encoder, merges);
    }

    /** Hugging Face {@code vocab.json} (token to id) and {@code merges.txt} ("#version" header, "a b" lines). */
    static BpeModel huggingFace(Path vocabJson, Path mergesTxt) throws IOException {
        JsonNode vocab = readJson(vocabJson);
        if (!vocab.isObject()) {
            throw new ModelFormatException(vocabJson + ": expected a JSON object mapping tokens to ids");
        }
        Map<String, Integer> encoder = parseVocab(vocab, vocabJson.toString());
        List<String> lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        List<String[]> merges = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if ((i == 0 && line.startsWith("#version")) || line.isBlank()) {
                continue;
            }
            merges.add(parseMerge(line, mergesTxt.toString(), i + 1));
        }
        return new BpeModel(encoder, merges);
    }

    /** A Hugging Face {@code tokenizer.json} with a BPE model ({@code model.vocab}, {@code model.merges}). */
    static BpeModel huggingFaceTokenizerJson(Path tokenizerJson) throws IOException {
        String name = tokenizerJson.toString();
        JsonNode root = readJson(tokenizerJson);
        JsonNode model = root.path("model");
        if (!model.isObject()) {
            throw new ModelFormatException(name + ": no \"model\" object");
        }
        if (model.has("type") && !"BPE".equals(model.path("type").asText())) {
            throw new ModelFormatException(name + ": model type is " + model.path("type").asText() + ", not BPE");
        }
        JsonNode vocab = model.path("vocab");
        if (!vocab.isObject()) {
            throw new ModelFormatException(name + ": \"model.vocab\" must be an object mapping tokens to ids");
        }
        Map<String, Integer> encoder = parseVocab(vocab, name + " model.vocab");
        for (JsonNode added : root.path("added_tokens")) {
            JsonNode content = added.path("content");
            JsonNode id = added.path("id");
            if (content.isTextual() && id.canConvertToInt() && !encoder.containsKey(content.asText())) {
                encoder.put(content.asText(), id.asInt());
            }
        }
        JsonNode mergesNode = model.path("merges");
        if (!mergesNode.isArray()) {
            throw new ModelFormatException(name + ": \"model.merges\" must be an array");
        }
        List<String[]> merges = new ArrayList<>();
        int index = 0;
        for (JsonNode merge : mergesNode) {
            if (merge.isTextual()) {
                merges.add(parseMerge(merge.asText(), name + " model.merges", index));
            } else if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual() && merge.get(1).isTextual()) {
                merges.add(new String[] {merge.get(0).asText(), merge.get(1).asText()});
            } else {
                throw new ModelFormatException(name + ": model.merges[" + index
                        + "] must be \"a b\" or [\"a\", \"b\"], found " + merge);
            }
            index++;
        }
        return new BpeModel(encoder, merges);
    }

    private static JsonNode readJson(Path path) throws IOException {
        try {
            return JSON.readTree(path.toFile());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(path + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Integer> parseVocab(JsonNode vocab, String name) {
        Map<String, Integer> encoder = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = vocab.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode id = field.getValue();
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
                throw new ModelFormatException(name + ": the id of token \"" + field.getKey()
                        + "\" must be a non-negative integer, found " + id);
            }
            encoder.put(field.getKey(), id.asInt());
        }
        if (encoder.isEmpty()) {
            throw new ModelFormatException(name + ": the vocabulary is empty");
        }
        return encoder;
    }

    /** A merge line: two symbols separated by white space (the reference uses {@code str.split()}). */
    private static String[] parseMerge(String line, String name, int lineNumber) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length != 2 || parts[0].isEmpty()) {
            throw new ModelFormatException(name + ": line " + lineNumber + " is not a merge of two symbols: \""
                    + line + "\"");
        }
        return parts;
    }
}
