package io.clip4j.model.clip;

import io.clip4j.model.TextConfig;
import io.clip4j.tensor.Activation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The published CLIP architectures by their open_clip names, for synthetic checkpoints and benchmarks. */
public final class ClipArchitectures {

    private static final Map<String, ClipConfig> ARCHS = new LinkedHashMap<>();

    static {
        ARCHS.put("ViT-B-32", vit(512, 224, 768, 12, 32, text(512, 8, 12)));
        ARCHS.put("ViT-B-16", vit(512, 224, 768, 12, 16, text(512, 8, 12)));
        ARCHS.put("ViT-L-14", vit(768, 224, 1024, 24, 14, text(768, 12, 12)));
        ARCHS.put("ViT-L-14-336", vit(768, 336, 1024, 24, 14, text(768, 12, 12)));
        ARCHS.put("RN50", resnet(1024, 224, new int[]{3, 4, 6, 3}, 64, text(512, 8, 12)));
        ARCHS.put("RN101", resnet(512, 224, new int[]{3, 4, 23, 3}, 64, text(512, 8, 12)));
        ARCHS.put("RN50x4", resnet(640, 288, new int[]{4, 6, 10, 6}, 80, text(640, 10, 12)));
    }

    private ClipArchitectures() {
    }

    /** Known names. */
    public static Set<String> names() {
        return ARCHS.keySet();
    }

    /**
     * The config of a named architecture.
     *
     * @throws IllegalArgumentException listing the known names
     */
    public static ClipConfig get(String name) {
        ClipConfig c = ARCHS.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown architecture '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return c;
    }

    private static TextConfig text(int width, int heads, int layers) {
        return new TextConfig(49408, 77, width, layers, heads, width * 4, Activation.QUICK_GELU, 1e-5f,
                TextConfig.Pooling.ARGMAX, 49407, 49406, false, true);
    }

    private static ClipConfig vit(int embed, int image, int width, int layers, int patch, TextConfig text) {
        return new ClipConfig(embed, new ClipConfig.Vision(ClipConfig.VisionKind.VIT, image, width, layers, null, patch,
                width / 64, width * 4, Activation.QUICK_GELU, 1e-5f), text, ClipConfig.Layout.OPENAI);
    }

    private static ClipConfig resnet(int embed, int image, int[] layers, int width, TextConfig text) {
        return new ClipConfig(embed, new ClipConfig.Vision(ClipConfig.VisionKind.RESNET, image, width, 0, layers, 0,
                width * 32 / 64, 0, Activation.QUICK_GELU, 1e-5f), text, ClipConfig.Layout.OPENAI);
    }
}
