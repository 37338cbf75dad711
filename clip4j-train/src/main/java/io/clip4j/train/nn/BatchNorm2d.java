package io.clip4j.train.nn;

import io.clip4j.train.autograd.Norms;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

/**
 * {@code nn.BatchNorm2d} in eval mode: the running statistics ({@code running_mean}, {@code running_var})
 * are frozen buffers, the affine {@code weight} and {@code bias} are trained. (Fine-tuning CLIP's ResNets
 * is done this way; updating the statistics from small batches would degrade the pretrained features.)
 */
public final class BatchNorm2d {

    private final Variable weight;
    private final Variable bias;
    private final float[] runningMean;
    private final float[] runningVar;
    private final float eps;

    public BatchNorm2d(ParameterStore ps, String prefix, int channels, float eps) {
        this.weight = ps.param(prefix + ".weight", channels);
        this.bias = ps.param(prefix + ".bias", channels);
        this.runningMean = ps.buffer(prefix + ".running_mean", channels);
        this.runningVar = ps.buffer(prefix + ".running_var", channels);
        this.eps = eps;
    }

    public Variable forward(Tape tape, Variable x) {
        return Norms.batchNormEval(tape, x, weight, bias, runningMean, runningVar, eps);
    }
}
