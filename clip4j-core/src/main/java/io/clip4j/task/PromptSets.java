package io.clip4j.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Class names and prompt templates shipped with clip4j (from openai/CLIP, MIT licence): the 1000 ImageNet
 * classes with the paper's 80 templates and the 7 that forward selection kept, and the class names and
 * templates of 26 more datasets (CIFAR-10/100, Food-101, MNIST, ...). A template has {@code {}} where
 * the class name goes.
 */
public final class PromptSets {

    /** A dataset's classes (each with one or more names to ensemble over) and templates. */
    public record Dataset(String name, List<List<String>> classes, List<String> templates) {
        public Dataset {
            classes = classes.stream().map(List::copyOf).toList();
            templates = List.copyOf(templates);
        }

        /** The first name of every class. */
        public List<String> classNames() {
            return classes.stream().map(List::getFirst).toList();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile JsonNode imagenet;
    private static volatile JsonNode others;

    private PromptSets() {
    }

    private static JsonNode resource(String name) {
        try (InputStream in = PromptSets.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode imagenetJson() {
        if (imagenet == null) {
            imagenet = resource("imagenet-prompts.json");
        }
        return imagenet;
    }

    private static JsonNode othersJson() {
        if (others == null) {
            others = resource("clip-prompts.json").get("datasets");
        }
        return others;
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The 80 ImageNet templates of the CLIP paper. */
    public static List<String> imagenet80() {
        return strings(imagenetJson().get("templates"));
    }

    /** The 7 templates forward selection kept. */
    public static List<String> imagenet7() {
        return strings(imagenetJson().get("templates_selected_7"));
    }

    /** A single plain template, {@code "a photo of a {}."}. */
    public static List<String> simple() {
        return List.of("a photo of a {}.");
    }

    /**
     * A template set by name ({@code imagenet80}, {@code imagenet7}, {@code simple}, a dataset name for its
     * own templates), or a file with one template per line.
     */
    public static List<String> templates(String nameOrFile) {
        switch (nameOrFile.toLowerCase(Locale.ROOT)) {
            case "imagenet80", "imagenet" -> {
                return imagenet80();
            }
            case "imagenet7" -> {
                return imagenet7();
            }
            case "simple" -> {
                return simple();
            }
            default -> {
                String key = datasetKey(nameOrFile);
                if (key != null) {
                    return dataset(nameOrFile).templates();
                }
            }
        }
        Path p = Path.of(nameOrFile);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("templates '" + nameOrFile + "': not a known set (imagenet80, imagenet7, "
                    + "simple, or a dataset name) and no such file");
        }
        List<String> t = readLines(p);
        for (String line : t) {
            if (!line.contains("{}")) {
                throw new IllegalArgumentException(p + ": template '" + line + "' has no {} for the class name");
            }
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException(p + ": no templates");
        }
        return t;
    }

    /** Non-blank lines of a UTF-8 file, stripped. */
    public static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": " + e.getMessage(), e);
        }
    }

    /** Names of the shipped datasets ({@code imagenet} and the 26 of the CLIP repository). */
    public static List<String> datasetNames() {
        List<String> names = new ArrayList<>();
        names.add("imagenet");
        othersJson().fieldNames().forEachRemaining(n -> names.add(n.toLowerCase(Locale.ROOT)));
        return names;
    }

    private static String datasetKey(String name) {
        String want = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        Map<String, String> keys = new TreeMap<>();
        othersJson().fieldNames().forEachRemaining(n -> keys.put(n.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""), n));
        return keys.get(want);
    }

    /**
     * A shipped dataset by name, case- and punctuation-insensitive ({@code imagenet}, {@code cifar10},
     * {@code food101}, ...).
     */
    public static Dataset dataset(String name) {
        if (name.equalsIgnoreCase("imagenet")) {
            List<List<String>> classes = new ArrayList<>();
            imagenetJson().get("classes").forEach(n -> classes.add(List.of(n.asText())));
            return new Dataset("imagenet", classes, imagenet80());
        }
        String key = datasetKey(name);
        if (key == null) {
            throw new IllegalArgumentException("unknown dataset '" + name + "' (known: " + String.join(", ", datasetNames()) + ")");
        }
        JsonNode d = othersJson().get(key);
        List<List<String>> classes = new ArrayList<>();
        for (JsonNode c : d.get("classes")) {
            classes.add(c.isArray() ? strings(c) : List.of(c.asText()));
        }
        return new Dataset(key, classes, strings(d.get("templates")));
    }
}
