package io.clip4j.cli;

import io.clip4j.image.ImageLoader;
import io.clip4j.image.PixelValues;
import io.clip4j.image.Preprocessor;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Model;
import io.clip4j.model.vit.VitClassifier;
import io.clip4j.task.PromptSets;
import io.clip4j.task.ZeroShotClassifier;
import io.clip4j.tensor.Tensor;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/** Image classification: a ViT classifier's own labels, or zero-shot labels for CLIP and SigLIP. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classify images.",
                "ViT classifiers use their own labels (id2label). CLIP and SigLIP classify zero-shot against "
                        + "--labels/--labels-file/--dataset, ensembling --templates as the CLIP paper does."})
final class ClassifyCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @ArgGroup(exclusive = true)
    LabelSource labelSource;

    static final class LabelSource {
        @Option(names = "--labels", paramLabel = "A,B,C", description = "Comma-separated class names.")
        String labels;

        @Option(names = "--labels-file", paramLabel = "FILE", description = "Class names, one per line.")
        Path labelsFile;

        @Option(names = "--dataset", paramLabel = "NAME", description = "A shipped class list: imagenet, cifar10, "
                + "cifar100, food101, ... (see PromptSets).")
        String dataset;
    }

    @Option(names = "--templates", paramLabel = "SET|FILE", description = "imagenet80, imagenet7, simple, a dataset "
            + "name, or a file with one template per line ({} = class name). Default: the dataset's own, else imagenet80.")
    String templates;

    @Option(names = "--save-classifier", paramLabel = "FILE", description = "Write the zero-shot class weights (safetensors).")
    Path saveClassifier;

    @Option(names = "--classifier", paramLabel = "FILE", description = "Reuse class weights written by --save-classifier.")
    Path classifier;

    @Option(names = {"-i", "--image"}, paramLabel = "FILE", description = "Image to classify (repeatable).")
    List<Path> images = new ArrayList<>();

    @Option(names = {"-k", "--top"}, defaultValue = "5", description = "Classes to show per image (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--batch", defaultValue = "16", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", description = "Write JSON to stdout.")
    boolean json;

    @Override
    public Integer call() {
        if (top < 1) {
            throw new Errors.UsageException("--top must be at least 1");
        }
        try (Model m = model.load()) {
            if (m instanceof VitClassifier vit) {
                if (labelSource != null || classifier != null || saveClassifier != null || templates != null) {
                    throw new Errors.UsageException(model.model + " is a ViT classifier with its own labels: "
                            + "--labels, --dataset, --templates and --classifier apply to CLIP and SigLIP only");
                }
                if (images.isEmpty()) {
                    throw new Errors.UsageException("give at least one --image");
                }
                classifyVit(vit);
            } else {
                zeroShot((EmbeddingModel) m);
            }
        }
        return 0;
    }

    private void classifyVit(VitClassifier vit) {
        Preprocessor pre = new Preprocessor(vit.preprocessConfig());
        List<List<Map<String, Object>>> results = new ArrayList<>();
        for (int start = 0; start < images.size(); start += batch) {
            Tensor px = pixels(pre, vit.imageSize(), start, Math.min(batch, images.size() - start));
            for (List<VitClassifier.Prediction> preds : vit.classify(px, top)) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (VitClassifier.Prediction p : preds) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("label", p.label());
                    r.put("index", p.index());
                    r.put("probability", p.probability());
                    r.put("logit", p.logit());
                    rows.add(r);
                }
                results.add(rows);
            }
        }
        print(vit.describe(), results);
    }

    private void zeroShot(EmbeddingModel m) {
        ZeroShotClassifier zs;
        List<String> tmpl = null;
        if (classifier != null) {
            if (labelSource != null || templates != null) {
                throw new Errors.UsageException("--classifier already holds the classes: drop --labels/--dataset/--templates");
            }
            zs = ZeroShotClassifier.load(m, classifier);
        } else {
            if (labelSource == null) {
                throw new Errors.UsageException("give the classes: --labels, --labels-file, --dataset or --classifier");
            }
            List<List<String>> classes;
            List<String> defaultTemplates;
            if (labelSource.dataset != null) {
                PromptSets.Dataset d = PromptSets.dataset(labelSource.dataset);
                classes = d.classes();
                defaultTemplates = d.templates();
            } else {
                List<String> names = labelSource.labels != null
                        ? Arrays.stream(labelSource.labels.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()
                        : PromptSets.readLines(labelSource.labelsFile);
                if (names.isEmpty()) {
                    throw new Errors.UsageException("no class names given");
                }
                classes = names.stream().map(List::of).toList();
                defaultTemplates = PromptSets.imagenet80();
            }
            tmpl = templates == null ? defaultTemplates : PromptSets.templates(templates);
            long prompts = (long) classes.stream().mapToInt(List::size).sum() * tmpl.size();
            try (ProgressBar bar = new ProgressBar("encoding prompts", prompts, "prompts")) {
                zs = ZeroShotClassifier.build(m, classes, tmpl, 256, bar::step);
            }
        }
        if (saveClassifier != null) {
            zs.save(saveClassifier, tmpl == null ? List.of() : tmpl);
            System.err.println("saved " + zs.labels().size() + " class weights to " + saveClassifier);
        }
        if (images.isEmpty()) {
            if (saveClassifier == null) {
                throw new Errors.UsageException("give --image to classify, or --save-classifier to only build the class weights");
            }
            return;
        }
        Preprocessor pre = new Preprocessor(m.preprocessConfig());
        List<List<Map<String, Object>>> results = new ArrayList<>();
        try (ProgressBar bar = new ProgressBar("classifying", images.size(), "img")) {
            for (int start = 0; start < images.size(); start += batch) {
                int count = Math.min(batch, images.size() - start);
                Tensor emb = m.embedPixels(pixels(pre, m.imageSize(), start, count));
                for (List<ZeroShotClassifier.Prediction> preds : zs.classify(emb, top)) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (ZeroShotClassifier.Prediction p : preds) {
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("label", p.label());
                        r.put("index", p.index());
                        r.put("probability", p.probability());
                        r.put("cosine", p.cosine());
                        r.put("logit", p.logit());
                        rows.add(r);
                    }
                    results.add(rows);
                }
                if (images.size() > batch) {
                    bar.step(count);
                }
            }
        }
        print(m.describe() + (m.scoring() == EmbeddingModel.Scoring.SIGMOID ? " (per-class sigmoid probabilities)"
                : " (softmax over " + zs.labels().size() + " classes)"), results);
    }

    private Tensor pixels(Preprocessor pre, int s, int start, int count) {
        ImageLoader loader = new ImageLoader();
        float[] px = new float[count * 3 * s * s];
        IntStream.range(0, count).parallel().forEach(i -> {
            PixelValues v = pre.apply(loader.load(images.get(start + i)));
            System.arraycopy(v.chw(), 0, px, i * 3 * s * s, 3 * s * s);
        });
        return Tensor.of(px, count, 3, s, s);
    }

    private void print(String header, List<List<Map<String, Object>>> results) {
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("path", images.get(i).toString());
                r.put("predictions", results.get(i));
                rows.add(r);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model.model.toString());
            out.put("images", rows);
            Json.println(out);
            return;
        }
        System.out.println(header);
        for (int i = 0; i < results.size(); i++) {
            System.out.println(images.get(i));
            for (Map<String, Object> p : results.get(i)) {
                System.out.printf(Locale.ROOT, "  %6.2f%%  %s%n", 100 * ((Number) p.get("probability")).doubleValue(), p.get("label"));
            }
        }
    }
}
