package io.clip4j.train.model;

import io.clip4j.model.TextConfig;
import io.clip4j.model.clip.ClipArchitectures;
import io.clip4j.model.clip.ClipConfig;
import io.clip4j.tensor.Activation;

import java.util.ArrayList;
import java.util.List;

/**
 * Architectures a model can be trained from scratch in: clip4j's own small CLIP for 28x28 images
 * ({@value #FASHION}), and the published CLIP architectures of {@link ClipArchitectures}.
 */
public final class Architectures {

    /** clip4j's default model: a CLIP for 28x28 images (Fashion-MNIST) in the Hugging Face layout. */
    public static final String FASHION = "clip4j-fashion-28";

    /** A smaller variant for quick runs and tests: width 64, 2 layers and 2 heads in each tower. */
    public static final String FASHION_TINY = "clip4j-fashion-tiny";

    private Architectures() {
    }

    /**
     * A ViT with 4x4 patches of 7 pixels, width 128, 4 layers and 4 heads; a 4-layer text tower of width 128
     * over the CLIP BPE vocabulary (77 positions; training computes only up to the end-of-text token);
     * 128-wide joint embedding; QuickGELU; HF layout (explicit head counts, loadable by transformers).
     */
    public static ClipConfig fashion() {
        TextConfig text = new TextConfig(49408, 77, 128, 4, 4, 512, Activation.QUICK_GELU, 1e-5f,
                TextConfig.Pooling.FIRST_EOS, 49407, 49406, true, true);
        ClipConfig.Vision vision = new ClipConfig.Vision(ClipConfig.VisionKind.VIT, 28, 128, 4, null, 7, 4, 512,
                Activation.QUICK_GELU, 1e-5f);
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

    /** The config called {@code name}: {@value #FASHION}, {@value #FASHION_TINY} or a name of {@link ClipArchitectures}. */
    public static ClipConfig get(String name) {
        if (name.equals(FASHION)) {
            return fashion();
        }
        if (name.equals(FASHION_TINY)) {
            return fashionTiny();
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
        all.add(FASHION_TINY);
        all.addAll(ClipArchitectures.names());
        return all;
    }
}
