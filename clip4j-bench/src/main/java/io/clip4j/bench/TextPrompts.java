package io.clip4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.model.clip.ClipModel;
import io.clip4j.model.clip.TextTransformer;
import io.clip4j.nn.Trace;
import io.clip4j.text.ClipBpeTokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The CLIP text tower on real prompts (the 80 ImageNet templates x the first 10 classes, tokenized with the
 * bundled BPE) in batches of 32: computing only up to the longest end-of-text token of each batch
 * against the full 77-token context, interleaved round by round, with the largest difference between
 * the two outputs (they must agree). The last line is JSON, with the sum of all output features, the
 * checksum {@code benchmarks/torch_text_bench.py} prints for PyTorch.
 *
 * <p>{@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp
 * clip4j-bench/target/benchmarks.jar io.clip4j.bench.TextPrompts MODEL_DIR PROMPTS.json [rounds]}
 */
public final class TextPrompts {

    private TextPrompts() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        JsonNode prompts = new ObjectMapper().readTree(Path.of(args[1]).toFile());
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        ClipBpeTokenizer tok = ClipBpeTokenizer.bundled();
        List<long[]> rows = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            String cls = prompts.get("classes").get(c).asText();
            for (JsonNode t : prompts.get("templates")) {
                rows.add(tok.encodeForModel(t.asText().replace("{}", cls)));
            }
        }
        int batch = 32;
        int ctx = tok.contextLength();
        try (ClipModel m = ClipModel.load(model)) {
            TextTransformer cut = m.text();
            TextTransformer full = cut.withTruncateAfterEot(false);
            double maxDiff = 0;
            double checksum = 0;
            List<Double> tCut = new ArrayList<>();
            List<Double> tFull = new ArrayList<>();
            for (int round = -1; round < rounds; round++) { // one warm-up round
                double sCut = 0;
                double sFull = 0;
                checksum = 0;
                for (int b0 = 0; b0 < rows.size(); b0 += batch) {
                    int n = Math.min(batch, rows.size() - b0);
                    long[] ids = new long[n * ctx];
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(rows.get(b0 + i), 0, ids, i * ctx, ctx);
                    }
                    long t0 = System.nanoTime();
                    float[] a = cut.forward(m.ops(), ids, null, n, ctx, Trace.NONE);
                    long t1 = System.nanoTime();
                    float[] f = full.forward(m.ops(), ids, null, n, ctx, Trace.NONE);
                    long t2 = System.nanoTime();
                    sCut += (t1 - t0) / 1e9;
                    sFull += (t2 - t1) / 1e9;
                    for (int i = 0; i < a.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(a[i] - f[i]));
                        checksum += a[i];
                    }
                }
                if (round >= 0) {
                    tCut.add(rows.size() / sCut);
                    tFull.add(rows.size() / sFull);
                }
            }
            double cutRate = median(tCut);
            double fullRate = median(tFull);
            System.out.printf(Locale.ROOT, "%d prompts, batch %d: only up to the last EOT %.1f texts/s, full context "
                            + "%.1f texts/s, ratio %.2f, max |difference| %.3g%n", rows.size(), batch, cutRate, fullRate,
                    cutRate / fullRate, maxDiff);
            // The same sum benchmarks/torch_text_bench.py prints: equal sums, equal features.
            System.out.printf(Locale.ROOT, "{\"runtime\": \"clip4j\", \"kernels\": \"%s\", \"prompts\": %d, "
                            + "\"batch\": %d, \"cut_texts_per_s\": %.3f, \"full_texts_per_s\": %.3f, "
                            + "\"max_diff\": %.3g, \"checksum\": %s}%n", m.ops().kernels().name(), rows.size(), batch,
                    cutRate, fullRate, maxDiff, checksum);
        }
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
