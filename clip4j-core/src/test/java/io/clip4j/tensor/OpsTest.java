package io.clip4j.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.clip4j.tensor.KernelsTest.assertNear;
import static io.clip4j.tensor.KernelsTest.random;

/** The parallel operations against naive loops. */
class OpsTest {

    private final Ops fast = Ops.get();
    private final Ops ref = new Ops(Kernels.scalar());

    @Test
    void parallelLinearWithBiasAndActivationMatchesScalar() {
        Random r = new Random(1);
        for (int[] s : new int[][]{{1, 5, 3}, {50, 768, 768}, {77, 100, 64}, {130, 67, 33}, {3, 3072, 17}}) {
            int rows = s[0], out = s[1], in = s[2];
            float[] x = random(r, rows * in, 1f);
            float[] w = random(r, out * in, 0.1f);
            float[] b = random(r, out, 1f);
            for (Activation act : new Activation[]{null, Activation.QUICK_GELU, Activation.GELU}) {
                float[] want = naiveLinear(x, rows, in, w, b, out, act);
                assertNear(want, fast.linear(x, rows, in, w, b, out, act), 1e-5, "fast linear " + rows + "x" + out);
                assertNear(want, ref.linear(x, rows, in, w, b, out, act), 1e-5, "scalar linear");
            }
        }
    }

    static float[] naiveLinear(float[] x, int rows, int in, float[] w, float[] b, int out, Activation act) {
        float[] y = new float[rows * out];
        for (int i = 0; i < rows; i++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int k = 0; k < in; k++) {
                    s += (double) x[i * in + k] * w[o * in + k];
                }
                y[i * out + o] = act == null ? (float) s : act.apply((float) s);
            }
        }
        return y;
    }

    @Test
    void attentionWithCausalAndPaddingMasksMatchesNaive() {
        Random r = new Random(2);
        int batch = 3, heads = 2, len = 7, hd = 5, d = heads * hd;
        float[] q = random(r, batch * len * d, 1f);
        float[] k = random(r, batch * len * d, 1f);
        float[] v = random(r, batch * len * d, 1f);
        boolean[][] valid = new boolean[batch][len];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < len; j++) {
                valid[b][j] = j < len - b; // batch item b has b padding tokens at the end
            }
        }
        for (boolean causal : new boolean[]{false, true}) {
            for (boolean[][] mask : new boolean[][][]{null, valid}) {
                float[] want = new float[batch * len * d];
                for (int b = 0; b < batch; b++) {
                    for (int h = 0; h < heads; h++) {
                        for (int i = 0; i < len; i++) {
                            double[] s = new double[len];
                            double max = Double.NEGATIVE_INFINITY;
                            for (int j = 0; j < len; j++) {
                                boolean ok = (!causal || j <= i) && (mask == null || mask[b][j]);
                                double dot = 0;
                                for (int t = 0; t < hd; t++) {
                                    dot += q[(b * len + i) * d + h * hd + t] * k[(b * len + j) * d + h * hd + t];
                                }
                                s[j] = ok ? dot / Math.sqrt(hd) : Double.NEGATIVE_INFINITY;
                                max = Math.max(max, s[j]);
                            }
                            double sum = 0;
                            for (int j = 0; j < len; j++) {
                                s[j] = Math.exp(s[j] - max);
                                sum += s[j];
                            }
                            for (int t = 0; t < hd; t++) {
                                double o = 0;
                                for (int j = 0; j < len; j++) {
                                    o += s[j] / sum * v[(b * len + j) * d + h * hd + t];
                                }
                                want[(b * len + i) * d + h * hd + t] = (float) o;
                            }
                        }
                    }
                }
                for (Ops ops : new Ops[]{fast, ref}) {
                    float[] got = new float[batch * len * d];
                    ops.attention(batch, heads, len, len, hd, q, 0, len * d, d, k, 0, len * d, d, v, 0, len * d, d,
                            got, 0, len * d, d, causal, mask);
                    assertNear(want, got, 1e-5, "attention causal=" + causal + " mask=" + (mask != null));
                }
            }
        }
    }

    @Test
    void conv2dMatchesDirectConvolution() {
        Random r = new Random(3);
        int[][] cases = {{2, 3, 9, 7, 3, 2, 1}, {1, 4, 8, 6, 1, 1, 0}, {1, 2, 5, 5, 5, 1, 2}, {2, 3, 8, 8, 4, 4, 0}};
        for (int[] c : cases) {
            int n = c[0], cin = c[1], hw = c[2], cout = c[3], ks = c[4], stride = c[5], pad = c[6];
            float[] x = random(r, n * cin * hw * hw, 1f);
            float[] w = random(r, cout * cin * ks * ks, 0.3f);
            float[] b = random(r, cout, 1f);
            int out = (hw + 2 * pad - ks) / stride + 1;
            float[] want = new float[n * cout * out * out];
            for (int img = 0; img < n; img++) {
                for (int co = 0; co < cout; co++) {
                    for (int oy = 0; oy < out; oy++) {
                        for (int ox = 0; ox < out; ox++) {
                            double s = b[co];
                            for (int ci = 0; ci < cin; ci++) {
                                for (int ky = 0; ky < ks; ky++) {
                                    for (int kx = 0; kx < ks; kx++) {
                                        int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                                        if (iy >= 0 && iy < hw && ix >= 0 && ix < hw) {
                                            s += x[((img * cin + ci) * hw + iy) * hw + ix] * w[((co * cin + ci) * ks + ky) * ks + kx];
                                        }
                                    }
                                }
                            }
                            want[((img * cout + co) * out + oy) * out + ox] = (float) s;
                        }
                    }
                }
            }
            assertNear(want, fast.conv2d(x, n, cin, hw, hw, w, b, cout, ks, ks, stride, pad), 1e-5, "conv2d");
        }
    }

    @Test
    void im2colIntoAReusedBufferWritesEveryValue() {
        Random r = new Random(4);
        int c = 3, h = 7, w = 6, k = 3, stride = 2, pad = 1;
        int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
        float[] x = random(r, 2 * c * h * w, 1f);
        float[] fresh = Ops.im2col(x, c * h * w, c, h, w, k, k, stride, pad, oh, ow);
        float[] reused = new float[fresh.length + 5];
        java.util.Arrays.fill(reused, Float.NaN); // what a previous call may have left
        Ops.im2col(x, c * h * w, c, h, w, k, k, stride, pad, oh, ow, reused);
        assertNear(fresh, java.util.Arrays.copyOf(reused, fresh.length), 0, "im2col into a dirty buffer");
    }
}
