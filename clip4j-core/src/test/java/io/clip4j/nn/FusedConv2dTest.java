package io.clip4j.nn;

import io.clip4j.tensor.Activation;
import io.clip4j.tensor.ChannelsLast;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Ops;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The channels-last convolution with folded batch norm against NCHW convolution, then batch norm, then ReLU. */
class FusedConv2dTest {

    private static float[] random(Random r, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (r.nextFloat() * 2 - 1) * scale;
        }
        return x;
    }

    private static void assertNear(float[] want, float[] got, double tol, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), what + " at " + i);
        }
    }

    @Test
    void matchesConvolutionThenBatchNormThenRelu() {
        Random r = new Random(5);
        // n, in, size, out, kernel, stride, pad
        int[][] cases = {{2, 3, 9, 8, 3, 2, 1}, {3, 16, 6, 24, 1, 1, 0}, {1, 5, 7, 7, 3, 1, 1}, {2, 4, 8, 6, 2, 2, 0}};
        for (Ops ops : new Ops[]{Ops.get(), new Ops(Kernels.scalar())}) {
            for (int[] c : cases) {
                int n = c[0], in = c[1], size = c[2], out = c[3], k = c[4], stride = c[5], pad = c[6];
                Conv2d conv = new Conv2d(random(r, out * in * k * k, 0.4f), null, in, out, k, stride, pad);
                float[] var = random(r, out, 0.5f);
                for (int i = 0; i < out; i++) {
                    var[i] = Math.abs(var[i]) + 0.1f;
                }
                BatchNorm2d bn = new BatchNorm2d(random(r, out, 1f), random(r, out, 1f), random(r, out, 0.5f), var, 1e-5f);
                float[] x = random(r, n * in * size * size, 1f);
                int os = conv.outSize(size);
                // Reference: NCHW convolution, batch norm, ReLU; and with a residual before the ReLU.
                float[] plain = new Ops(Kernels.scalar()).conv2d(x, n, in, size, size, conv.weight(), null, out, k, k,
                        stride, pad);
                float[] residual = random(r, plain.length, 1f);
                float[] withResidual = plain.clone();
                bn.forwardInPlace(plain, n, os * os, true);
                bn.forwardInPlace(withResidual, n, os * os, false);
                for (int i = 0; i < withResidual.length; i++) {
                    withResidual[i] = Math.max(0f, withResidual[i] + residual[i]);
                }
                FusedConv2d fused = FusedConv2d.of(conv, bn);
                float[] xl = new float[x.length];
                ChannelsLast.fromChannelsFirst(x, 0, n, in, size, size, xl, 0);
                try (Workspace ws = new Workspace()) {
                    float[] y = new float[n * os * os * out];
                    fused.forward(ops, xl, n, size, y, Activation.RELU, false, ws);
                    assertNear(plain, ChannelsLast.toChannelsFirst(y, n, os, os, out), 1e-4, "conv+bn+relu k=" + k);
                    float[] acc = new float[y.length];
                    ChannelsLast.fromChannelsFirst(residual, 0, n, out, os, os, acc, 0);
                    fused.forward(ops, xl, n, size, acc, Activation.RELU, true, ws);
                    assertNear(withResidual, ChannelsLast.toChannelsFirst(acc, n, os, os, out), 1e-4, "residual k=" + k);
                }
            }
        }
    }

    @Test
    void channelsLastAveragePoolMatchesNchw() {
        Random r = new Random(6);
        int n = 2, c = 19, h = 7, w = 7, k = 2;
        float[] x = random(r, n * c * h * w, 1f);
        float[] want = Ops.avgPool2d(x, n * c, h, w, k);
        float[] xl = new float[x.length];
        ChannelsLast.fromChannelsFirst(x, 0, n, c, h, w, xl, 0);
        float[] y = new float[n * (h / k) * (w / k) * c];
        ChannelsLast.avgPool(Kernels.get(), xl, n, h, w, c, k, y);
        assertNear(want, ChannelsLast.toChannelsFirst(y, n, h / k, w / k, c), 1e-6, "avg pool");
    }
}
