package io.clip4j.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Embeddings;
import io.clip4j.tensor.Tensor;
import io.clip4j.weights.DType;
import io.clip4j.weights.ModelFormatException;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.SafeTensorsWriter;
import io.clip4j.weights.TensorInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Zero-shot classification as the CLIP paper does it: every class name is put into every prompt
 * template, the prompts are embedded and L2-normalised, averaged per class and L2-normalised again; an
 * image is scored by cosine against these class weights. CLIP turns scores into probabilities with
 * {@code softmax(exp(logit_scale) * cos)}, SigLIP with per-class {@code sigmoid(exp(logit_scale) * cos + logit_bias)}.
 *
 * <p>Prompts are encoded in bounded batches, so 1000 classes x 80 templates run in bounded memory. The
 * class weights can be saved (safetensors, F32 {@code zeroshot_weights [embed_dim, n_classes]}, class
 * names in the metadata) and reused with the same model.
 */
public final class ZeroShotClassifier {

    /** One class of one image. */
    public record Prediction(int index, String label, float probability, float cosine, float logit) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> labels;
    private final float[] weights;      // [n_classes, embed_dim], rows L2-normalised
    private final int embedDim;
    private final EmbeddingModel model;

    private ZeroShotClassifier(EmbeddingModel model, List<String> labels, float[] weights, int embedDim) {
        this.model = model;
        this.labels = List.copyOf(labels);
        this.weights = weights;
        this.embedDim = embedDim;
    }

    /** Builds the class weights from one name per class. */
    public static ZeroShotClassifier build(EmbeddingModel model, List<String> classNames, List<String> templates) {
        return build(model, classNames.stream().map(List::of).toList(), templates, 256, n -> { });
    }

    /**
     * Builds the class weights.
     *
     * @param classes   per class one or more names (all names x all templates are ensembled); the
     *                  first name is the label
     * @param templates prompt templates with {@code {}} for the class name
     * @param textBatch texts per forward pass of the text tower (bounds memory)
     * @param progress  called with the number of prompts encoded after every batch
     */
    public static ZeroShotClassifier build(EmbeddingModel model, List<List<String>> classes, List<String> templates,
                                           int textBatch, IntConsumer progress) {
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("no classes");
        }
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("no templates");
        }
        for (String t : templates) {
            if (!t.contains("{}")) {
                throw new IllegalArgumentException("template '" + t + "' has no {} for the class name");
            }
        }
        int d = model.embedDim();
        double[] sums = new double[classes.size() * d];
        List<String> texts = new ArrayList<>(textBatch);
        List<Integer> owners = new ArrayList<>(textBatch);
        for (int c = 0; c < classes.size(); c++) {
            if (classes.get(c).isEmpty() || classes.get(c).stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("class " + (c + 1) + " has an empty name");
            }
            for (String name : classes.get(c)) {
                for (String t : templates) {
                    texts.add(t.replace("{}", name));
                    owners.add(c);
                    if (texts.size() == textBatch) {
                        accumulate(model, texts, owners, sums, d);
                        progress.accept(textBatch);
                        texts.clear();
                        owners.clear();
                    }
                }
            }
        }
        if (!texts.isEmpty()) {
            int n = texts.size();
            accumulate(model, texts, owners, sums, d);
            progress.accept(n);
        }
        float[] w = new float[sums.length];
        for (int c = 0; c < classes.size(); c++) {
            double norm = 0;
            for (int i = 0; i < d; i++) {
                norm += sums[c * d + i] * sums[c * d + i];
            }
            double inv = 1 / Math.sqrt(norm);
            for (int i = 0; i < d; i++) {
                w[c * d + i] = (float) (sums[c * d + i] * inv);
            }
        }
        return new ZeroShotClassifier(model, classes.stream().map(List::getFirst).toList(), w, d);
    }

    private static void accumulate(EmbeddingModel model, List<String> texts, List<Integer> owners, double[] sums, int d) {
        Tensor e = model.embedTexts(texts);
        float[] v = e.data();
        for (int i = 0; i < texts.size(); i++) {
            int c = owners.get(i);
            for (int k = 0; k < d; k++) {
                sums[c * d + k] += v[i * d + k];
            }
        }
    }

    /** Loads class weights saved by {@link #save}, refusing them if they were built with another model. */
    public static ZeroShotClassifier load(EmbeddingModel model, Path file) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            TensorInfo info = f.require("zeroshot_weights");
            long[] s = info.shape();
            if (s.length != 2 || s[0] != model.embedDim()) {
                throw new ModelFormatException(file.getFileName() + ": zeroshot_weights has shape " + info.shapeString()
                        + ", expected [" + model.embedDim() + ", n_classes] for this model");
            }
            String fp = f.metadata().get("model_fingerprint");
            if (fp != null && !fp.equals(model.files().fingerprint())) {
                throw new ModelFormatException(file.getFileName() + ": these class weights were built with another model ("
                        + f.metadata().getOrDefault("model", "?") + "); rebuild them with --save-classifier");
            }
            List<String> labels;
            try {
                labels = Arrays.asList(JSON.readValue(f.metadata().getOrDefault("classes", "[]"), String[].class));
            } catch (IOException e) {
                throw new ModelFormatException(file.getFileName() + ": metadata 'classes' is not a JSON list of names");
            }
            int d = (int) s[0];
            int n = (int) s[1];
            if (labels.size() != n) {
                throw new ModelFormatException(file.getFileName() + ": " + labels.size() + " class names for " + n + " classes");
            }
            float[] t = f.floats("zeroshot_weights");
            float[] w = new float[n * d];
            for (int i = 0; i < d; i++) {
                for (int c = 0; c < n; c++) {
                    w[c * d + i] = t[i * n + c];
                }
            }
            return new ZeroShotClassifier(model, labels, w, d);
        }
    }

    /** Writes {@code zeroshot_weights [embed_dim, n_classes]} with the class names and model in the metadata. */
    public void save(Path file, List<String> templates) {
        int n = labels.size();
        float[] t = new float[n * embedDim];
        for (int c = 0; c < n; c++) {
            for (int i = 0; i < embedDim; i++) {
                t[i * n + c] = weights[c * embedDim + i];
            }
        }
        try {
            new SafeTensorsWriter()
                    .metadata("classes", JSON.writeValueAsString(labels))
                    .metadata("templates", JSON.writeValueAsString(templates))
                    .metadata("model", model.files().dir().toString())
                    .metadata("model_family", model.family())
                    .metadata("model_fingerprint", model.files().fingerprint())
                    .putF32("zeroshot_weights", t, embedDim, n)
                    .write(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<String> labels() {
        return labels;
    }

    /** The class weights as the reference lays them out: {@code [embed_dim, n_classes]}. */
    public Tensor weights() {
        int n = labels.size();
        float[] t = new float[n * embedDim];
        for (int c = 0; c < n; c++) {
            for (int i = 0; i < embedDim; i++) {
                t[i * n + c] = weights[c * embedDim + i];
            }
        }
        return Tensor.of(t, embedDim, n);
    }

    /** Cosines {@code [N, n_classes]} of L2-normalised image embeddings against the class weights. */
    public Tensor cosines(Tensor imageEmbeds) {
        Tensor cls = Tensor.of(weights, labels.size(), embedDim);
        return Embeddings.scaledDot(model.ops(), imageEmbeds, cls, 0f, 0f);
    }

    /** {@code exp(logit_scale) * cos (+ logit_bias)}. */
    public Tensor logits(Tensor imageEmbeds) {
        return Embeddings.scaledDot(model.ops(), imageEmbeds, Tensor.of(weights, labels.size(), embedDim),
                model.logitScale(), model.logitBias());
    }

    /** Probabilities {@code [N, n_classes]}: softmax over classes (CLIP) or per-class sigmoids (SigLIP). */
    public Tensor probabilities(Tensor imageEmbeds) {
        return model.probabilities(logits(imageEmbeds));
    }

    /** The {@code topK} most probable classes of each image, best first. */
    public List<List<Prediction>> classify(Tensor imageEmbeds, int topK) {
        Tensor cos = cosines(imageEmbeds);
        Tensor logits = logits(imageEmbeds);
        Tensor probs = model.probabilities(logits);
        int n = imageEmbeds.dim(0);
        int c = labels.size();
        List<List<Prediction>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Integer[] idx = new Integer[c];
            for (int k = 0; k < c; k++) {
                idx[k] = k;
            }
            int row = i;
            Arrays.sort(idx, (a, b) -> {
                int cmp = Float.compare(logits.get(row, b), logits.get(row, a));
                return cmp != 0 ? cmp : a - b;
            });
            List<Prediction> top = new ArrayList<>();
            for (int k = 0; k < Math.min(topK, c); k++) {
                int j = idx[k];
                top.add(new Prediction(j, labels.get(j), probs.get(i, j), cos.get(i, j), logits.get(i, j)));
            }
            out.add(top);
        }
        return out;
    }
}
