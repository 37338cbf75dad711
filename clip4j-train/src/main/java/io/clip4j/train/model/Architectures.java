package io.clip4j.train.model;

import io.clip4j.model.TextConfig;
import io.clip4j.model.clip.ClipArchitectures;
import io.clip4j.model.clip.ClipConfig;
import io.clip4j.tensor.Activation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Architectures a model can be trained from scratch in: clip4j's own small CLIP for 28x28 images
 * ({@value #FASHION}), and the published CLIP architectures of {@link ClipArchitectures}.
 */
public final class Architectures {

    /** clip4j's default model: a CLIP for 28x28 images (Fashion-MNIST) in the Hugging Face layout. */
    public static final String FASHION = "clip4j-fashion-28";

    /**
     * The PyTorch reference shape, for side-by-side benchmarks: patch 7 (16 patches), width 128,
     * 4 layers and 4 heads in each tower.
     */
    public static final String FASHION_P7 = "clip4j-fashion-28-p7";

    /** A smaller variant for quick runs and tests: width 64, 2 layers and 2 heads in each tower. */
    public static final String FASHION_TINY = "clip4j-fashion-tiny";

    /** Variants for experiments: {@code clip4j-fashion-28-p<patch>-w<vision width>-t<text layers>}. */
    private static final Pattern VARIANT = Pattern.compile("clip4j-fashion-28-p(\\d+)-w(\\d+)-t(\\d+)");

    private Architectures() {
    }

    /**
     * {@value #FASHION}: a ViT with 7x7 patches of 4 pixels (49 tokens and the class token), width 96,
     * 4 layers and 4 heads; a 2-layer text tower of width 128 over the CLIP BPE vocabulary (77 positions;
     * training computes only up to the end-of-text token); 128-wide joint embedding; QuickGELU; HF layout
     * (explicit head counts, loadable by transformers). Finer patches than {@link #FASHION_P7}'s cost about
     * 1.6x per image but learn faster per epoch (runs in models/default/TRAINING.md: 0.84 zero-shot after 2
     * epochs against 0.76-0.80); the text tower only tells ten clothes apart in templated captions, so 2
     * layers do.
     */
    public static ClipConfig fashion() {
        return fashion(4, 96, 2);
    }

    /** {@value #FASHION_P7}: patch 7, width 128, 4 layers in each tower (the PyTorch reference). */
    public static ClipConfig fashionP7() {
        return fashion(7, 128, 4);
    }

    /**
     * A 28x28 CLIP with {@code patch}-pixel patches, a 4-layer vision tower of width {@code width} (4 heads,
     * MLP 4x), a text tower of width 128 with {@code textLayers} layers (4 heads) and a 128-wide embedding.
     */
    public static ClipConfig fashion(int patch, int width, int textLayers) {
        if (patch < 1 || 28 % patch != 0 || width < 4 || width % 4 != 0 || textLayers < 1) {
            throw new IllegalArgumentException("a 28x28 variant needs a patch size dividing 28, a width divisible by "
                    + "the 4 heads and at least one text layer");
        }
        TextConfig text = new TextConfig(49408, 77, 128, textLayers, 4, 512, Activation.QUICK_GELU, 1e-5f,
                TextConfig.Pooling.FIRST_EOS, 49407, 49406, true, true);
        ClipConfig.Vision vision = new ClipConfig.Vision(ClipConfig.VisionKind.VIT, 28, width, 4, null, patch, 4,
                4 * width, Activation.QUICK_GELU, 1e-5f);
        return new ClipConfig(128, vision, text, ClipConfig.Layout.HF);
    }

    /** {@value #FASHION_TINY}: the same shape of model at width 64 with 2 layers and 2 heads per tower. */
    public static ClipConfig fashionTiny() {
        TextConfig text = new TextConfig(49408, 77, 64, 2, 2, 256, Activation.QUICK_GELU, 1e-5f,
                TextConfig.Pooling.FIRST_EOS, 49407, 49406, true, true);
        ClipConfig.Vision vision = new ClipConfig.Vision(ClipConfig.VisionKind.VIT, 28, 64, 2, null, 7, 2, 256,
                Activation.QUICK_GELU, 1e-5f);
        return new ClipConfig(64, vision, text, ClipConfig.Layout.HF);
    }

    /**
     * The config called {@code name}: {@value #FASHION}, {@value #FASHION_P7}, {@value #FASHION_TINY}, a
     * {@code clip4j-fashion-28-p<patch>-w<width>-t<text layers>} variant or a name of {@link ClipArchitectures}.
     */
    public static ClipConfig get(String name) {
        if (name.equals(FASHION)) {
            return fashion();
        }
        if (name.equals(FASHION_P7)) {
            return fashionP7();
        }
        if (name.equals(FASHION_TINY)) {
            return fashionTiny();
        }
        Matcher m = VARIANT.matcher(name);
        if (m.matches()) {
            return fashion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        }
        try {
            return ClipArchitectures.get(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown architecture '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
    }

    public static List<String> names() {
        List<String> all = new ArrayList<>();
        all.add(FASHION);
        all.add(FASHION_P7);
        all.add(FASHION_TINY);
        all.addAll(ClipArchitectures.names());
        return all;
    }
}
