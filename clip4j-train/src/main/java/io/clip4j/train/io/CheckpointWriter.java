package io.clip4j.train.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.image.PreprocessConfig;
import io.clip4j.model.TextConfig;
import io.clip4j.model.clip.ClipConfig;
import io.clip4j.tensor.Activation;
import io.clip4j.train.model.ContrastiveModel;
import io.clip4j.train.nn.Parameter;
import io.clip4j.train.nn.ParameterStore;
import io.clip4j.weights.DType;
import io.clip4j.weights.SafeTensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Saves a model as a directory that clip4j and PyTorch both load: {@code model.safetensors} with the
 * checkpoint's own key names and shapes (BatchNorm buffers and {@code num_batches_tracked} included, so
 * that {@code load_state_dict} is strict-clean), and its configuration: for a fine-tuned model the
 * source directory's config, preprocessing and tokenizer files are copied; for a new one they are written
 * ({@code config.json} as HF's {@code CLIPModel} or OpenAI's {@code CLIP(...)} constructor arguments, and
 * {@code preprocessor_config.json}).
 */
public final class CheckpointWriter {

    /** Weights files of a source directory that are not copied (the new weights replace them). */
    private static final Set<String> WEIGHT_SUFFIXES = Set.of(".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".index.json");

    private CheckpointWriter() {
    }

    /**
     * @param source     the directory the model was loaded from (configs are copied), or null for a new model
     * @param preprocess for a new model, the preprocessing to record (ignored when {@code source} is given)
     * @param metadata   extra safetensors metadata ({@code format: pt} is always set)
     */
    public static void save(ContrastiveModel model, Path dir, DType dtype, Path source, PreprocessConfig preprocess,
                            Map<String, String> metadata) {
        if (dtype != DType.F32 && dtype != DType.F16) {
            throw new IllegalArgumentException("checkpoints are saved as F32 or F16, not " + dtype);
        }
        try {
            Files.createDirectories(dir);
            SafeTensorsWriter w = new SafeTensorsWriter();
            w.metadata("format", "pt");
            if (metadata != null) {
                metadata.forEach(w::metadata);
            }
            ParameterStore ps = model.parameters();
            for (Parameter p : ps.parameters()) {
                put(w, p.name(), p.data(), p.shape(), dtype);
            }
            for (Map.Entry<String, float[]> b : ps.buffers().entrySet()) {
                put(w, b.getKey(), b.getValue(), ps.bufferShape(b.getKey()), dtype);
                if (b.getKey().endsWith(".running_var")) {
                    String prefix = b.getKey().substring(0, b.getKey().length() - "running_var".length());
                    w.putI64(prefix + "num_batches_tracked", new long[] {0});
                }
            }
            w.write(dir.resolve("model.safetensors"));
            if (source != null && !source.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
                copyConfigs(source, dir);
            } else if (source == null) {
                Files.writeString(dir.resolve("config.json"), configJson(model, dtype));
                if (preprocess != null) {
                    Files.writeString(dir.resolve("preprocessor_config.json"), ModelPreprocessing.toHuggingFaceJson(preprocess));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot save the model: " + e.getMessage(), e);
        }
    }

    private static void put(SafeTensorsWriter w, String name, float[] values, int[] shape, DType dtype) {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape[i];
        }
        if (dtype == DType.F16) {
            w.putF16(name, values, s);
        } else {
            w.putF32(name, values, s);
        }
    }

    private static void copyConfigs(Path source, Path dir) throws IOException {
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
                if (!Files.isRegularFile(f) || WEIGHT_SUFFIXES.stream().anyMatch(name::endsWith)
                        || name.equals("golden.safetensors") || name.equals("train.safetensors")) {
                    continue;
                }
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** {@code config.json} of a new CLIP model in its layout, for weights saved as F32. */
    public static String configJson(ContrastiveModel model) {
        return configJson(model, DType.F32);
    }

    /** {@code config.json} of a new CLIP model in its layout; HF's {@code torch_dtype} names the dtype of the saved weights. */
    public static String configJson(ContrastiveModel model, DType dtype) {
        ClipConfig cfg = model.spec().clip();
        if (cfg == null) {
            throw new IllegalArgumentException("new SigLIP models are not supported; fine-tune a SigLIP checkpoint instead");
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ClipConfig.Vision v = cfg.vision();
        TextConfig t = cfg.text();
        if (cfg.layout() == ClipConfig.Layout.OPENAI) {
            root.put("embed_dim", cfg.embedDim());
            root.put("image_resolution", v.imageSize());
            if (v.kind() == ClipConfig.VisionKind.VIT) {
                root.put("vision_layers", v.layers());
                root.put("vision_patch_size", v.patchSize());
            } else {
                var arr = root.putArray("vision_layers");
                for (int c : v.resnetLayers()) {
                    arr.add(c);
                }
                root.putNull("vision_patch_size");
            }
            root.put("vision_width", v.width());
            root.put("context_length", t.contextLength());
            root.put("vocab_size", t.vocabSize());
            root.put("transformer_width", t.width());
            root.put("transformer_heads", t.heads());
            root.put("transformer_layers", t.layers());
            root.put("vision_heads", v.heads());
            root.put("quick_gelu", v.activation() == Activation.QUICK_GELU);
            return root.toPrettyString() + "\n";
        }
        root.putArray("architectures").add("CLIPModel");
        root.put("initializer_factor", 1.0);
        root.put("logit_scale_init_value", 2.6592);
        root.put("model_type", "clip");
        root.put("projection_dim", cfg.embedDim());
        ObjectNode tc = root.putObject("text_config");
        tc.put("bos_token_id", t.bosTokenId());
        tc.put("eos_token_id", t.eosTokenId());
        tc.put("hidden_act", actName(t.activation()));
        tc.put("hidden_size", t.width());
        tc.put("intermediate_size", t.mlpWidth());
        tc.put("layer_norm_eps", t.layerNormEps());
        tc.put("max_position_embeddings", t.contextLength());
        tc.put("model_type", "clip_text_model");
        tc.put("num_attention_heads", t.heads());
        tc.put("num_hidden_layers", t.layers());
        tc.put("pad_token_id", 0);
        tc.put("projection_dim", cfg.embedDim());
        tc.put("vocab_size", t.vocabSize());
        ObjectNode vc = root.putObject("vision_config");
        vc.put("hidden_act", actName(v.activation()));
        vc.put("hidden_size", v.width());
        vc.put("image_size", v.imageSize());
        vc.put("intermediate_size", v.mlpWidth());
        vc.put("layer_norm_eps", v.layerNormEps());
        vc.put("model_type", "clip_vision_model");
        vc.put("num_attention_heads", v.heads());
        vc.put("num_channels", 3);
        vc.put("num_hidden_layers", v.layers());
        vc.put("patch_size", v.patchSize());
        vc.put("projection_dim", cfg.embedDim());
        root.put("torch_dtype", dtype == DType.F16 ? "float16" : "float32");
        return root.toPrettyString() + "\n";
    }

    private static String actName(Activation a) {
        return switch (a) {
            case QUICK_GELU -> "quick_gelu";
            case GELU -> "gelu";
            case GELU_TANH -> "gelu_pytorch_tanh";
            case RELU -> "relu";
        };
    }
}
