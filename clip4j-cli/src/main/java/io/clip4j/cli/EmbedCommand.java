package io.clip4j.cli;

import io.clip4j.image.ImageLoader;
import io.clip4j.image.PixelValues;
import io.clip4j.image.Preprocessor;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/** L2-normalised embeddings of images and texts. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed images and/or texts (L2-normalised); with both, also print their similarities.")
final class EmbedCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = {"-i", "--image"}, paramLabel = "FILE", description = "An image file (repeatable).")
    List<Path> images = new ArrayList<>();

    @Option(names = {"-t", "--text"}, paramLabel = "TEXT", description = "A text (repeatable).")
    List<String> texts = new ArrayList<>();

    @Option(names = "--batch", defaultValue = "16", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", description = "Write one JSON document to stdout.")
    boolean json;

    @Override
    public Integer call() {
        if (images.isEmpty() && texts.isEmpty()) {
            throw new Errors.UsageException("give at least one --image or --text");
        }
        if (batch < 1) {
            throw new Errors.UsageException("--batch must be at least 1");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).isBlank()) {
                throw new Errors.UsageException("--text number " + (i + 1) + " is empty");
            }
        }
        try (EmbeddingModel m = model.loadEmbedding()) {
            Tensor img = images.isEmpty() ? null : embedImages(m);
            Tensor txt = texts.isEmpty() ? null : m.embedTexts(texts);
            Tensor logits = img != null && txt != null ? m.logitsPerImage(img, txt) : null;
            Tensor probs = logits == null ? null : m.probabilities(logits);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("model", model.model.toString());
                out.put("family", m.family());
                out.put("embed_dim", m.embedDim());
                if (img != null) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (int i = 0; i < images.size(); i++) {
                        rows.add(Map.of("path", images.get(i).toString(), "embedding", img.row(i)));
                    }
                    out.put("images", rows);
                }
                if (txt != null) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (int i = 0; i < texts.size(); i++) {
                        rows.add(Map.of("text", texts.get(i), "embedding", txt.row(i)));
                    }
                    out.put("texts", rows);
                }
                if (logits != null) {
                    out.put("logits_per_image", logits.rows());
                    out.put(m.scoring() == EmbeddingModel.Scoring.SOFTMAX ? "probs_softmax_over_texts" : "probs_sigmoid",
                            probs.rows());
                }
                Json.println(out);
            } else {
                printHuman(m, img, txt, logits, probs);
            }
        }
        return 0;
    }

    private Tensor embedImages(EmbeddingModel m) {
        Preprocessor pre = new Preprocessor(m.preprocessConfig());
        ImageLoader loader = new ImageLoader();
        int s = m.imageSize();
        int n = images.size();
        float[] out = new float[n * m.embedDim()];
        try (ProgressBar bar = new ProgressBar("embedding", n, "img")) {
            for (int start = 0; start < n; start += batch) {
                int count = Math.min(batch, n - start);
                float[] px = new float[count * 3 * s * s];
                int from = start;
                IntStream.range(0, count).parallel().forEach(i -> {
                    PixelValues v = pre.apply(loader.load(images.get(from + i)));
                    System.arraycopy(v.chw(), 0, px, i * 3 * s * s, 3 * s * s);
                });
                Tensor e = m.embedPixels(Tensor.of(px, count, 3, s, s));
                System.arraycopy(e.data(), 0, out, start * m.embedDim(), e.size());
                if (n > batch) {
                    bar.step(count);
                }
            }
        }
        return Tensor.of(out, n, m.embedDim());
    }

    private void printHuman(EmbeddingModel m, Tensor img, Tensor txt, Tensor logits, Tensor probs) {
        System.out.println(m.describe());
        if (img != null) {
            for (int i = 0; i < images.size(); i++) {
                System.out.println("image " + images.get(i) + ": " + preview(img.row(i)));
            }
        }
        if (txt != null) {
            for (int i = 0; i < texts.size(); i++) {
                System.out.println("text \"" + texts.get(i) + "\": " + preview(txt.row(i)));
            }
        }
        if (logits != null) {
            String what = m.scoring() == EmbeddingModel.Scoring.SOFTMAX ? "softmax over texts" : "sigmoid per pair";
            System.out.println("similarity (cosine, logit, probability: " + what + "):");
            for (int i = 0; i < images.size(); i++) {
                System.out.println("  " + images.get(i));
                for (int j = 0; j < texts.size(); j++) {
                    float cos = 0;
                    for (int d = 0; d < m.embedDim(); d++) {
                        cos += img.data()[i * m.embedDim() + d] * txt.data()[j * m.embedDim() + d];
                    }
                    System.out.printf(Locale.ROOT, "    %-40s cos %.4f  logit %8.3f  p %.4f%n", "\"" + texts.get(j) + "\"",
                            cos, logits.get(i, j), probs.get(i, j));
                }
            }
        }
    }

    private static String preview(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(4, v.length); i++) {
            sb.append(String.format(Locale.ROOT, "%.4f, ", v[i]));
        }
        return sb.append("...] (").append(v.length).append(" values, L2-normalised)").toString();
    }
}
