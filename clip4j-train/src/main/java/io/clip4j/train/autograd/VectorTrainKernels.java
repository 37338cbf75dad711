package io.clip4j.train.autograd;

import io.clip4j.tensor.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link TrainKernels} with the Vector API (loaded reflectively, only when the module is present). */
final class VectorTrainKernels extends TrainKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float C = (float) Math.sqrt(2.0 / Math.PI);
    private static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));

    VectorTrainKernels() {
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public void activationBackward(Activation act, float[] x, float[] dy, float[] dx, int off, int n) {
        int i = off;
        int bound = off + S.loopBound(n);
        switch (act) {
            case QUICK_GELU -> {
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    FloatVector s = FloatVector.broadcast(S, 1f).div(v.mul(-1.702f).lanewise(VectorOperators.EXP).add(1f));
                    FloatVector d = v.mul(1.702f).mul(s.neg().add(1f)).add(1f).mul(s);
                    d.mul(FloatVector.fromArray(S, dy, i)).intoArray(dx, i);
                }
            }
            case GELU -> {
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    FloatVector cdf = erf(v.mul((float) (1 / Math.sqrt(2)))).add(1f).mul(0.5f);
                    FloatVector pdf = v.mul(v).mul(-0.5f).lanewise(VectorOperators.EXP).mul(INV_SQRT_2PI);
                    v.fma(pdf, cdf).mul(FloatVector.fromArray(S, dy, i)).intoArray(dx, i);
                }
            }
            case GELU_TANH -> {
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    FloatVector x2 = v.mul(v);
                    FloatVector t = x2.mul(0.044715f).add(1f).mul(v).mul(C).lanewise(VectorOperators.TANH);
                    FloatVector left = t.add(1f).mul(0.5f);
                    FloatVector right = v.mul(0.5f).mul(t.mul(t).neg().add(1f)).mul(x2.mul(3 * 0.044715f).add(1f).mul(C));
                    left.add(right).mul(FloatVector.fromArray(S, dy, i)).intoArray(dx, i);
                }
            }
            case RELU -> {
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    FloatVector.fromArray(S, dy, i).blend(0f, v.compare(VectorOperators.LE, 0f)).intoArray(dx, i);
                }
            }
        }
        super.activationBackward(act, x, dy, dx, i, off + n - i);
    }

    /** Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7), as the core's GELU kernel. */
    private static FloatVector erf(FloatVector z) {
        FloatVector az = z.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(az.mul(0.3275911f).add(1f));
        FloatVector poly = t.mul(1.061405429f).add(-1.453152027f);
        poly = poly.fma(t, FloatVector.broadcast(S, 1.421413741f));
        poly = poly.fma(t, FloatVector.broadcast(S, -0.284496736f));
        poly = poly.fma(t, FloatVector.broadcast(S, 0.254829592f));
        poly = poly.mul(t);
        FloatVector e = az.mul(az).neg().lanewise(VectorOperators.EXP);
        FloatVector erfAbs = FloatVector.broadcast(S, 1f).sub(poly.mul(e));
        return erfAbs.blend(erfAbs.neg(), z.compare(VectorOperators.LT, 0f));
    }

    @Override
    public void layerNormForward(float[] x, int off, int n, float[] gamma, float[] beta, float eps, float[] y,
                                 float[] stats, int row) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < bound; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i));
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += x[off + i];
        }
        float mean = sum / n;
        FloatVector vm = FloatVector.broadcast(S, mean);
        acc = FloatVector.zero(S);
        for (i = 0; i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, off + i).sub(vm);
            acc = d.fma(d, acc);
        }
        float var = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float d = x[off + i] - mean;
            var += d * d;
        }
        var /= n;
        float r = (float) (1 / Math.sqrt(var + eps));
        FloatVector vr = FloatVector.broadcast(S, r);
        for (i = 0; i < bound; i += L) {
            FloatVector xh = FloatVector.fromArray(S, x, off + i).sub(vm).mul(vr);
            xh.fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i)).intoArray(y, off + i);
        }
        for (; i < n; i++) {
            y[off + i] = (x[off + i] - mean) * r * gamma[i] + beta[i];
        }
        stats[2 * row] = mean;
        stats[2 * row + 1] = r;
    }

    @Override
    public void layerNormBackward(float[] x, int off, int n, float[] gamma, float mean, float rstd, float[] dy,
                                  float[] dx, float[] dGamma, float[] dBeta) {
        int bound = S.loopBound(n);
        FloatVector vm = FloatVector.broadcast(S, mean);
        FloatVector vr = FloatVector.broadcast(S, rstd);
        FloatVector sg = FloatVector.zero(S);
        FloatVector sgx = FloatVector.zero(S);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector xh = FloatVector.fromArray(S, x, off + i).sub(vm).mul(vr);
            FloatVector g = FloatVector.fromArray(S, dy, off + i);
            g.fma(xh, FloatVector.fromArray(S, dGamma, i)).intoArray(dGamma, i);
            g.add(FloatVector.fromArray(S, dBeta, i)).intoArray(dBeta, i);
            FloatVector gg = g.mul(FloatVector.fromArray(S, gamma, i));
            sg = sg.add(gg);
            sgx = gg.fma(xh, sgx);
        }
        float sumG = sg.reduceLanes(VectorOperators.ADD);
        float sumGx = sgx.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float xh = (x[off + i] - mean) * rstd;
            float g = dy[off + i];
            dGamma[i] += g * xh;
            dBeta[i] += g;
            float gg = g * gamma[i];
            sumG += gg;
            sumGx += gg * xh;
        }
        if (dx == null) {
            return;
        }
        float a = sumG / n;
        float b = sumGx / n;
        FloatVector va = FloatVector.broadcast(S, a);
        FloatVector vb = FloatVector.broadcast(S, b);
        for (i = 0; i < bound; i += L) {
            FloatVector xh = FloatVector.fromArray(S, x, off + i).sub(vm).mul(vr);
            FloatVector g = FloatVector.fromArray(S, dy, off + i).mul(FloatVector.fromArray(S, gamma, i));
            g.sub(va).sub(xh.mul(vb)).mul(vr).intoArray(dx, off + i);
        }
        for (; i < n; i++) {
            float xh = (x[off + i] - mean) * rstd;
            dx[off + i] = rstd * (dy[off + i] * gamma[i] - a - xh * b);
        }
    }
}
