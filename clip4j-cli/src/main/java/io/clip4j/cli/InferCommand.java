package io.clip4j.cli;

import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Embeddings;
import io.clip4j.model.Model;
import io.clip4j.model.TokenBatch;
import io.clip4j.model.siglip.SiglipModel;
import io.clip4j.model.siglip.SiglipVisionTower;
import io.clip4j.model.vit.VitClassifier;
import io.clip4j.nn.Trace;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.Tensor;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.SafeTensorsWriter;
import io.clip4j.weights.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** Runs a model on preprocessed tensors: the tool for checking parity against a PyTorch reference. */
@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Run the model on pixel_values and/or input_ids from a safetensors file and write the outputs.")
final class InferCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = "--inputs", required = true, paramLabel = "IN.safetensors",
            description = "pixel_values (F32 NCHW) and/or input_ids (I64 [B, L], optional attention_mask).")
    Path inputs;

    @Option(names = "--out", required = true, paramLabel = "OUT.safetensors", description = "Where to write the outputs.")
    Path out;

    @Override
    public Integer call() {
        try (SafeTensorsFile in = SafeTensorsFile.open(inputs); Model m = model.load()) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            w.metadata("model", String.valueOf(model.model)).metadata("family", m.family()).metadata("producer", "clip4j infer");
            Tensor pixels = in.contains("pixel_values") ? pixels(in) : null;
            switch (m) {
                case VitClassifier c -> {
                    requirePixels(pixels);
                    Tensor logits = c.logits(pixels);
                    put(w, "logits", logits);
                }
                case SiglipModel s when !s.hasText() -> {
                    requirePixels(pixels);
                    SiglipVisionTower.Output o = s.visionOutputs(pixels, Trace.NONE);
                    w.putF32("last_hidden_state", o.lastHiddenState(), o.batch(), o.tokens(), o.width());
                    if (o.poolerOutput() != null) {
                        w.putF32("pooler_output", o.poolerOutput(), o.batch(), o.width());
                    }
                }
                case EmbeddingModel e -> embeddings(e, in, pixels, w);
                default -> throw new IllegalStateException("unsupported model " + m.family());
            }
            w.write(out);
        }
        return 0;
    }

    private void embeddings(EmbeddingModel m, SafeTensorsFile in, Tensor pixels, SafeTensorsWriter w) {
        Tensor imgE = null;
        Tensor txtE = null;
        if (pixels != null) {
            Tensor f = m.encodeImage(pixels);
            imgE = Embeddings.normalize(f);
            put(w, "image_features", f);
            put(w, "image_embeds", imgE);
        }
        if (in.contains("input_ids")) {
            Tensor f = m.encodeText(tokens(in));
            txtE = Embeddings.normalize(f);
            put(w, "text_features", f);
            put(w, "text_embeds", txtE);
        }
        if (imgE == null && txtE == null) {
            throw new IllegalArgumentException(inputs.getFileName() + ": neither pixel_values nor input_ids found");
        }
        if (imgE != null && txtE != null) {
            Tensor logits = m.logitsPerImage(imgE, txtE);
            put(w, "logits_per_image", logits);
            w.putF32("logits_per_text", Ops.transpose(logits.data(), 0, logits.dim(0), logits.dim(1)),
                    logits.dim(1), logits.dim(0));
        }
        w.putF32("logit_scale", new float[]{m.logitScale()});
        if (m.scoring() == EmbeddingModel.Scoring.SIGMOID) {
            w.putF32("logit_bias", new float[]{m.logitBias()});
        }
    }

    private Tensor pixels(SafeTensorsFile in) {
        TensorInfo info = in.info("pixel_values");
        requireRank(info, 4);
        int[] shape = Arrays.stream(info.shape()).mapToInt(Math::toIntExact).toArray();
        return Tensor.of(in.floats("pixel_values"), shape);
    }

    private TokenBatch tokens(SafeTensorsFile in) {
        TensorInfo info = in.info("input_ids");
        requireRank(info, 2);
        if (info.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(inputs.getFileName() + ": input_ids must be an integer tensor, got " + info.dtype());
        }
        int b = Math.toIntExact(info.shape()[0]);
        int len = Math.toIntExact(info.shape()[1]);
        long[] mask = null;
        if (in.contains("attention_mask")) {
            TensorInfo mi = in.info("attention_mask");
            if (!Arrays.equals(mi.shape(), info.shape())) {
                throw new IllegalArgumentException(inputs.getFileName() + ": attention_mask has shape "
                        + mi.shapeString() + ", input_ids " + info.shapeString());
            }
            mask = in.longs("attention_mask");
        }
        return new TokenBatch(in.longs("input_ids"), mask, b, len);
    }

    private void requirePixels(Tensor pixels) {
        if (pixels == null) {
            throw new IllegalArgumentException(inputs.getFileName() + ": this model needs pixel_values");
        }
    }

    private static void put(SafeTensorsWriter w, String name, Tensor t) {
        long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
        w.putF32(name, t.data(), shape);
    }

    private void requireRank(TensorInfo info, int rank) {
        if (info.rank() != rank) {
            throw new IllegalArgumentException(inputs.getFileName() + ": " + info.name() + " must have " + rank
                    + " dimensions, got " + info.shapeString());
        }
    }
}
