package io.clip4j.train;

import io.clip4j.model.TokenBatch;
import io.clip4j.model.clip.ClipConfig;
import io.clip4j.text.ClipBpeTokenizer;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.data.Captions;
import io.clip4j.train.model.ContrastiveModel;
import io.clip4j.train.model.ModelFactory;
import io.clip4j.train.model.ModelSpec;
import io.clip4j.train.model.PatchDropout;
import io.clip4j.train.optim.AdamW;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Throughput of a full training step (forward, backward, AdamW) of an architecture with fresh weights,
 * on random images and texts of a given length: the median over timed steps after warm-up.
 */
public final class TrainBenchmark {

    /** The measurement: images (pairs) per second and milliseconds per step, median and all samples. */
    public record Result(String architecture, int batch, double textLength, double imagesPerSecond, double msPerStep,
                         double[] stepMs, long parameters) {
    }

    private TrainBenchmark() {
    }

    /**
     * @param textLength position of the end-of-text token + 1 in every text, or 0 for real captions: the
     *                   Fashion-MNIST training captions (9 tokens on average, at most 15) through the CLIP BPE
     */
    public static Result run(String name, ClipConfig cfg, int batch, int textLength, int warmup, int steps,
                             boolean recompute, Consumer<String> log) {
        return run(name, cfg, batch, textLength, warmup, steps, recompute, 0, log);
    }

    /** As above, with patch dropout ({@link PatchDropout}) at {@code patchDropout} in every step. */
    public static Result run(String name, ClipConfig cfg, int batch, int textLength, int warmup, int steps,
                             boolean recompute, double patchDropout, Consumer<String> log) {
        ContrastiveModel model = ModelFactory.create(ModelSpec.clip(cfg), 1, p -> false);
        model.setRecompute(recompute);
        model.setPatchDropout(new PatchDropout(patchDropout, 11));
        SplittableRandom rnd = new SplittableRandom(5);
        int s = cfg.vision().imageSize();
        float[] pixels = new float[batch * 3 * s * s];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) (rnd.nextDouble() * 4 - 2);
        }
        int ctx = cfg.text().contextLength();
        int vocab = cfg.text().vocabSize();
        long[] ids = new long[batch * ctx];
        long[] mask = new long[batch * ctx];
        Captions captions = Captions.fashionTraining();
        ClipBpeTokenizer tokenizer = ClipBpeTokenizer.bundled().withContextLength(ctx);
        double lengths = 0;
        for (int b = 0; b < batch; b++) {
            int len;
            if (textLength > 0 || vocab != tokenizer.vocabSize()) {
                len = Math.max(2, Math.min(textLength > 0 ? textLength : 12, ctx));
                ids[b * ctx] = cfg.text().bosTokenId();
                for (int t = 1; t < len - 1; t++) {
                    ids[b * ctx + t] = 1 + rnd.nextInt(vocab - 3);
                }
                ids[b * ctx + len - 1] = cfg.text().eosTokenId();
            } else {
                long[] row = tokenizer.encodeForModel(captions.sample(rnd.nextInt(10), rnd));
                System.arraycopy(row, 0, ids, b * ctx, ctx);
                len = ctx;
                while (len > 1 && row[len - 1] == 0) {
                    len--;
                }
            }
            lengths += len;
            Arrays.fill(mask, b * ctx, b * ctx + len, 1);
        }
        TokenBatch tokens = new TokenBatch(ids, mask, batch, ctx);
        AdamW opt = new AdamW(model.parameters().trainable(), 0.9, 0.98, 1e-6, 0.2, AdamW::clipDecayRule);
        double[] ms = new double[steps];
        for (int i = -warmup; i < steps; i++) {
            long t0 = System.nanoTime();
            model.parameters().zeroGrad();
            Tape tape = Tape.create();
            Variable loss = model.loss(tape, pixels, tokens, model.defaultLoss(), 1024);
            tape.backward(loss);
            opt.step(1e-4);
            TrainStep.clampLogitScale(model);
            double el = (System.nanoTime() - t0) / 1e6;
            if (i >= 0) {
                ms[i] = el;
            }
            if (log != null) {
                log.accept(String.format("%s step %d: %.1f ms (loss %.4f)", i < 0 ? "warm-up" : "timed", i, el, loss.item()));
            }
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        return new Result(name, batch, lengths / batch, batch / (median / 1000), median, ms, model.parameters().count());
    }
}
