package io.clip4j.train.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Captions for labelled images: each label has a few names (its dataset label in plain words and
 * synonyms) and captions are built from varied templates ({@code "a photo of a {}."}), so that the text
 * tower learns the concept rather than one sentence.
 */
public final class Captions {

    /** Names of the Fashion-MNIST classes, the first being the one zero-shot evaluation uses. */
    public static final List<List<String>> FASHION_NAMES = List.of(
            List.of("t-shirt", "top", "tee", "t-shirt or top"),
            List.of("trousers", "pants", "pair of trousers"),
            List.of("pullover", "sweater", "jumper"),
            List.of("dress", "summer dress", "gown"),
            List.of("coat", "jacket", "winter coat"),
            List.of("sandal", "sandals", "open shoe"),
            List.of("shirt", "button-up shirt", "blouse"),
            List.of("sneaker", "sneakers", "trainer shoe", "running shoe"),
            List.of("bag", "handbag", "purse"),
            List.of("ankle boot", "boot", "ankle boots"));

    /** Templates for training captions; {@code {}} is replaced by a class name. */
    public static final List<String> TRAIN_TEMPLATES = List.of(
            "a photo of a {}.", "a photo of the {}.", "a black and white photo of a {}.", "a grayscale photo of a {}.",
            "a low resolution photo of a {}.", "a small photo of a {}.", "a picture of a {}.", "an image of a {}.",
            "a product photo of a {}.", "a {}.", "{}", "a photo of my {}.", "a blurry photo of a {}.",
            "a close-up photo of a {}.", "a pixelated photo of the {}.", "this is a {}.", "a centered photo of a {}.",
            "a catalogue image of a {}.", "a tiny image of a {}.", "a dark photo of a {}.");

    /** Templates for zero-shot evaluation (prompt ensembling). */
    public static final List<String> EVAL_TEMPLATES = List.of(
            "a photo of a {}.", "a black and white photo of a {}.", "a low resolution photo of a {}.",
            "a product photo of a {}.", "an image of a {}.", "a picture of a {}.", "a {}.");

    private final List<List<String>> names;
    private final List<String> templates;

    public Captions(List<List<String>> names, List<String> templates) {
        if (names.isEmpty() || templates.isEmpty()) {
            throw new IllegalArgumentException("captions need at least one class name and one template");
        }
        for (String t : templates) {
            if (!t.contains("{}")) {
                throw new IllegalArgumentException("template without {}: " + t);
            }
        }
        this.names = List.copyOf(names);
        this.templates = List.copyOf(templates);
    }

    /** Fashion-MNIST's names with the training templates. */
    public static Captions fashionTraining() {
        return new Captions(FASHION_NAMES, TRAIN_TEMPLATES);
    }

    /** A random caption for {@code label}. */
    public String sample(int label, SplittableRandom rnd) {
        List<String> n = names.get(label);
        String name = n.get(rnd.nextInt(n.size()));
        return fill(templates.get(rnd.nextInt(templates.size())), name);
    }

    /** Every template filled with {@code name}. */
    public static List<String> fillAll(List<String> templates, String name) {
        List<String> out = new ArrayList<>(templates.size());
        for (String t : templates) {
            out.add(fill(t, name));
        }
        return out;
    }

    public static String fill(String template, String name) {
        return template.replace("{}", name);
    }

    /** The first name of every class (the zero-shot class names). */
    public List<String> classNames() {
        return names.stream().map(List::getFirst).toList();
    }
}
