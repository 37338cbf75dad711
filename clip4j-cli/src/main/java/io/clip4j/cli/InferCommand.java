package io.clip4j.cli;

import io.clip4j.model.TokenBatch;
import io.clip4j.model.clip.ClipModel;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.Tensor;
import io.clip4j.weights.DType;
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
        try (SafeTensorsFile in = SafeTensorsFile.open(inputs); ClipModel m = model.loadClip()) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            w.metadata("model", String.valueOf(model.model)).metadata("producer", "clip4j infer");
            Tensor imgE = null;
            Tensor txtE = null;
            if (in.contains("pixel_values")) {
                TensorInfo info = in.info("pixel_values");
                requireRank(info, 4);
                int[] shape = Arrays.stream(info.shape()).mapToInt(Math::toIntExact).toArray();
                Tensor f = m.encodeImage(Tensor.of(in.floats("pixel_values"), shape));
                imgE = ClipModel.normalize(f);
                w.putF32("image_features", f.data(), f.dim(0), f.dim(1));
                w.putF32("image_embeds", imgE.data(), f.dim(0), f.dim(1));
            }
            if (in.contains("input_ids")) {
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
                Tensor f = m.encodeText(new TokenBatch(in.longs("input_ids"), mask, b, len));
                txtE = ClipModel.normalize(f);
                w.putF32("text_features", f.data(), f.dim(0), f.dim(1));
                w.putF32("text_embeds", txtE.data(), f.dim(0), f.dim(1));
            }
            if (imgE == null && txtE == null) {
                throw new IllegalArgumentException(inputs.getFileName() + ": neither pixel_values nor input_ids found");
            }
            if (imgE != null && txtE != null) {
                Tensor logits = m.logitsPerImage(imgE, txtE);
                w.putF32("logits_per_image", logits.data(), logits.dim(0), logits.dim(1));
                w.putF32("logits_per_text", Ops.transpose(logits.data(), 0, logits.dim(0), logits.dim(1)),
                        logits.dim(1), logits.dim(0));
            }
            w.putRaw("logit_scale", DType.F32, new long[0],
                    java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(m.logitScale()).array());
            w.write(out);
        }
        return 0;
    }

    private void requireRank(TensorInfo info, int rank) {
        if (info.rank() != rank) {
            throw new IllegalArgumentException(inputs.getFileName() + ": " + info.name() + " must have " + rank
                    + " dimensions, got " + info.shapeString());
        }
    }
}
