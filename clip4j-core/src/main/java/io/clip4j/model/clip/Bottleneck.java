package io.clip4j.model.clip;

import io.clip4j.nn.BatchNorm2d;
import io.clip4j.nn.Conv2d;
import io.clip4j.nn.FusedConv2d;
import io.clip4j.nn.WeightSource;
import io.clip4j.nn.Workspace;
import io.clip4j.tensor.Activation;
import io.clip4j.tensor.ChannelsLast;
import io.clip4j.tensor.Ops;

/**
 * CLIP's ResNet bottleneck: 1x1 conv, 3x3 conv, {@code avgpool(stride)} (anti-aliased striding instead of
 * a strided conv), 1x1 conv expanding 4x; the shortcut is {@code avgpool + 1x1 conv + bn} when the shape
 * changes. All convolutions are bias-free and followed by eval-mode BatchNorm, folded into them
 * ({@link FusedConv2d}); feature maps are channels-last.
 */
final class Bottleneck {

    static final int EXPANSION = 4;

    private final FusedConv2d conv1;      // conv1 + bn1 (+ ReLU)
    private final FusedConv2d conv2;      // conv2 + bn2 (+ ReLU)
    private final FusedConv2d conv3;      // conv3 + bn3, added to the shortcut (+ ReLU)
    private final FusedConv2d downsample; // downsample conv + bn, null for an identity shortcut
    private final int stride;

    private Bottleneck(FusedConv2d conv1, FusedConv2d conv2, FusedConv2d conv3, FusedConv2d downsample, int stride) {
        this.conv1 = conv1;
        this.conv2 = conv2;
        this.conv3 = conv3;
        this.downsample = downsample;
        this.stride = stride;
    }

    static Bottleneck load(WeightSource ws, int inplanes, int planes, int stride) {
        float eps = 1e-5f;
        int outPlanes = planes * EXPANSION;
        FusedConv2d ds = null;
        if (stride > 1 || inplanes != outPlanes) {
            // downsample = Sequential(AvgPool2d(stride) "-1", Conv2d "0", BatchNorm2d "1")
            ds = FusedConv2d.of(Conv2d.load(ws.pp("downsample").pp(0), inplanes, outPlanes, 1, 1, 0, false),
                    BatchNorm2d.load(ws.pp("downsample").pp(1), outPlanes, eps));
        }
        return new Bottleneck(
                FusedConv2d.of(Conv2d.load(ws.pp("conv1"), inplanes, planes, 1, 1, 0, false),
                        BatchNorm2d.load(ws.pp("bn1"), planes, eps)),
                FusedConv2d.of(Conv2d.load(ws.pp("conv2"), planes, planes, 3, 1, 1, false),
                        BatchNorm2d.load(ws.pp("bn2"), planes, eps)),
                FusedConv2d.of(Conv2d.load(ws.pp("conv3"), planes, outPlanes, 1, 1, 0, false),
                        BatchNorm2d.load(ws.pp("bn3"), outPlanes, eps)),
                ds, stride);
    }

    int outChannels() {
        return conv3.out();
    }

    int outSize(int size) {
        return size / stride;
    }

    /**
     * Runs the block on the feature map {@code [n, size, size, in]} (NHWC) held by {@code ws} in slot
     * {@code in} and returns the slot of the output {@code [n, size/stride, size/stride, out]}: the same
     * slot, updated in place, for an identity shortcut (the residual is added inside the last product),
     * else the other of {@code FEATURES} / {@code FEATURES_NEXT}.
     */
    Workspace.Slot forward(Ops ops, Workspace ws, Workspace.Slot in, int n, int size) {
        int planes = conv1.out();
        float[] x = ws.get(in, n * size * size * conv1.in());
        float[] h1 = ws.get(Workspace.Slot.CONV_1, n * size * size * planes);
        conv1.forward(ops, x, n, size, h1, Activation.RELU, false, ws);
        float[] h2 = ws.get(Workspace.Slot.CONV_2, n * size * size * planes);
        conv2.forward(ops, h1, n, size, h2, Activation.RELU, false, ws);
        int outSize = size / stride;
        float[] branch = h2;
        if (stride > 1) { // anti-aliased striding: average-pool before the expanding 1x1 convolution
            branch = ws.get(Workspace.Slot.CONV_1, n * outSize * outSize * planes);
            ChannelsLast.avgPool(ops.kernels(), h2, n, size, size, planes, stride, branch);
        }
        Workspace.Slot out = in;
        float[] y = x;
        if (downsample != null) {
            float[] src = x;
            if (stride > 1) {
                src = ws.get(Workspace.Slot.POOLED, n * outSize * outSize * conv1.in());
                ChannelsLast.avgPool(ops.kernels(), x, n, size, size, conv1.in(), stride, src);
            }
            out = in == Workspace.Slot.FEATURES ? Workspace.Slot.FEATURES_NEXT : Workspace.Slot.FEATURES;
            y = ws.get(out, n * outSize * outSize * conv3.out());
            downsample.forward(ops, src, n, outSize, y, null, false, ws);
        }
        conv3.forward(ops, branch, n, outSize, y, Activation.RELU, true, ws); // relu(shortcut + bn3(conv3))
        return out;
    }

    long flops(int size) {
        int outSize = size / stride;
        long f = conv1.flops(size) + conv2.flops(size) + conv3.flops(outSize);
        if (downsample != null) {
            f += downsample.flops(outSize);
        }
        return f;
    }
}
