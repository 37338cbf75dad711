package io.clip4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.text.ClipBpeTokenizer;
import io.clip4j.text.Tokenizer;
import io.clip4j.text.spm.SentencePieceModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Tokenizes {@code {"text": ...}} JSON lines from stdin. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Read {\"text\": ...} JSON lines on stdin; write {\"text\", \"ids\", \"input_ids\"} lines. "
                + "Without --model/--tokenizer: the bundled CLIP BPE with 77-token contexts.")
final class TokenizeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "M", description = "Use this model's tokenizer (CLIP or SigLIP).")
    Path model;

    @Option(names = "--weights", paramLabel = "FILE", description = "Weights file inside the model directory.")
    String weights;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "A SentencePiece .model file (writes plain SentencePiece ids), or an HF tokenizer.json.")
    Path tokenizerFile;

    @Option(names = "--jsonl", description = "JSON lines in and out (the only format; accepted for clarity).")
    boolean jsonl;

    @Option(names = "--no-truncate", description = "Fail on texts longer than the context instead of truncating.")
    boolean noTruncate;

    @Override
    public Integer call() throws Exception {
        if (model != null && tokenizerFile != null) {
            throw new Errors.UsageException("give --model or --tokenizer, not both");
        }
        Tokenizer tok;
        SentencePieceModel spm = null;
        if (model != null) {
            try (EmbeddingModel m = io.clip4j.model.Models.loadEmbedding(model, weights, io.clip4j.tensor.Kernels.get())) {
                tok = m.tokenizer();
            }
        } else if (tokenizerFile != null && tokenizerFile.getFileName().toString().endsWith(".json")) {
            tok = ClipBpeTokenizer.fromTokenizerJson(tokenizerFile, ClipBpeTokenizer.DEFAULT_CONTEXT_LENGTH);
        } else if (tokenizerFile != null) {
            spm = SentencePieceModel.load(tokenizerFile);
            tok = null;
        } else {
            tok = ClipBpeTokenizer.bundled();
        }
        {
            PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = Json.MAPPER.readTree(line);
                } catch (Exception e) {
                    throw new IllegalArgumentException("stdin line " + lineNo + ": not JSON");
                }
                if (node == null || !node.has("text") || !node.get("text").isTextual()) {
                    throw new IllegalArgumentException("stdin line " + lineNo + ": expected {\"text\": \"...\"}");
                }
                String text = node.get("text").asText();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("text", text);
                if (spm != null) {
                    row.put("ids", spm.encode(text));
                    row.put("pieces", spm.encodeAsPieces(text));
                } else {
                    row.put("ids", tok.encode(text));
                    row.put("input_ids", tok.encodeForModel(text, !noTruncate));
                }
                out.println(Json.MAPPER.writeValueAsString(row));
            }
            out.flush();
        }
        return 0;
    }
}
