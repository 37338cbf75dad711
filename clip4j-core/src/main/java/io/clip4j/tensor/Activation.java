package io.clip4j.tensor;

import java.util.Locale;

/** The MLP activations of the CLIP family, by the names configs use. */
public enum Activation {
    /** {@code x * sigmoid(1.702 x)}: OpenAI CLIP. */
    QUICK_GELU,
    /** Exact erf GELU ({@code nn.GELU()}): open_clip LAION models, HF ViT. */
    GELU,
    /** tanh approximation ({@code gelu_pytorch_tanh}): SigLIP. */
    GELU_TANH,
    RELU;

    /**
     * Parses a config's activation name ({@code hidden_act}, timm {@code act_layer}).
     *
     * @throws IllegalArgumentException naming the unknown activation and the supported ones
     */
    public static Activation fromConfigName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "quick_gelu", "quickgelu" -> QUICK_GELU;
            case "gelu", "gelu_python", "gelu_erf" -> GELU;
            case "gelu_pytorch_tanh", "gelu_new", "gelu_fast", "gelu_tanh" -> GELU_TANH;
            case "relu" -> RELU;
            default -> throw new IllegalArgumentException("unknown activation '" + name
                    + "' (supported: quick_gelu, gelu, gelu_pytorch_tanh, gelu_new, relu)");
        };
    }

    /** Scalar definition, the reference the vector kernels are tested against. */
    public float apply(float x) {
        return switch (this) {
            case QUICK_GELU -> x / (1f + (float) Math.exp(-1.702 * x));
            case GELU -> (float) (0.5 * x * (1.0 + MathFunctions.erf(x / Math.sqrt(2.0))));
            case GELU_TANH -> (float) (0.5 * x * (1.0 + Math.tanh(Math.sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x))));
            case RELU -> x > 0 ? x : 0f;
        };
    }
}
