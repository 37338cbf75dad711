package io.clip4j.train;

import io.clip4j.model.TokenBatch;
import io.clip4j.train.autograd.Backend;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.model.ContrastiveModel;
import io.clip4j.train.nn.Parameter;
import io.clip4j.train.optim.AdamW;
import io.clip4j.weights.SafeTensorsWriter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One batch of matched pairs through a model: the loss, the gradient of every trainable parameter and,
 * optionally, a few AdamW steps on that same batch, with the settings of the reference fixtures
 * ({@code train.safetensors}): lr 1e-3, betas (0.9, 0.98), eps 1e-6, weight decay 0.2 by CLIP's rule,
 * {@code logit_scale} clamped to [0, ln 100] after each step. The tool for checking a port, or a new layer,
 * against PyTorch autograd.
 */
public final class TrainStep {

    public static final double LR = 1e-3;
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.98;
    public static final double EPS = 1e-6;
    public static final double WEIGHT_DECAY = 0.2;
    public static final float MAX_LOGIT_SCALE = (float) Math.log(100);

    /** A result tensor with its shape ({@code []} for scalars). */
    public record Named(float[] values, long[] shape) {
    }

    private TrainStep() {
    }

    /**
     * Runs the model on {@code pixels [b, 3, s, s]} and {@code tokens} ({@code b} texts), back-propagates,
     * and with {@code steps > 0} takes that many optimiser steps. Returns, in order: {@code loss},
     * {@code grad.<param>} for every trainable parameter, then {@code loss.step<i>} and {@code step<N>.<param>}.
     */
    public static Map<String, Named> run(ContrastiveModel model, float[] pixels, TokenBatch tokens,
                                         ContrastiveModel.LossKind loss, int steps, Backend backend) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        Map<String, Named> out = new LinkedHashMap<>();
        var params = model.parameters().trainable();
        model.parameters().zeroGrad();
        float first = lossAndGrad(model, pixels, tokens, loss, backend);
        out.put("loss", new Named(new float[] {first}, new long[0]));
        for (Parameter p : params) {
            float[] g = p.value().grad();
            out.put("grad." + p.name(), new Named(g == null ? new float[p.data().length] : g.clone(), longs(p.shape())));
        }
        if (steps == 0) {
            return out;
        }
        AdamW opt = new AdamW(params, BETA1, BETA2, EPS, WEIGHT_DECAY, AdamW::clipDecayRule);
        for (int i = 1; i <= steps; i++) {
            float l = i == 1 ? first : lossAndGrad(model, pixels, tokens, loss, backend);
            out.put("loss.step" + i, new Named(new float[] {l}, new long[0]));
            opt.step(LR);
            clampLogitScale(model);
            model.parameters().zeroGrad();
        }
        for (Parameter p : params) {
            out.put("step" + steps + "." + p.name(), new Named(p.data().clone(), longs(p.shape())));
        }
        return out;
    }

    /** {@code logit_scale.clamp_(0, ln 100)}, as CLIP does after every step. */
    public static void clampLogitScale(ContrastiveModel model) {
        float[] s = model.logitScale().data();
        s[0] = Math.max(0f, Math.min(MAX_LOGIT_SCALE, s[0]));
    }

    private static float lossAndGrad(ContrastiveModel model, float[] pixels, TokenBatch tokens,
                                     ContrastiveModel.LossKind loss, Backend backend) {
        model.parameters().zeroGrad();
        Tape tape = Tape.create(backend);
        Variable l = model.loss(tape, pixels, tokens, loss, 1024);
        tape.backward(l);
        return l.item();
    }

    private static long[] longs(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape[i];
        }
        return s;
    }

    /** Writes a result as F32 safetensors. */
    public static void write(Map<String, Named> result, SafeTensorsWriter w) {
        result.forEach((name, t) -> w.putF32(name, t.values(), t.shape()));
    }
}
