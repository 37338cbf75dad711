package io.clip4j.model.clip;

import io.clip4j.nn.BatchNorm2d;
import io.clip4j.nn.Conv2d;
import io.clip4j.nn.WeightSource;
import io.clip4j.tensor.Ops;

/**
 * CLIP's ResNet bottleneck: 1x1 conv, 3x3 conv, {@code avgpool(stride)} (anti-aliased striding instead of
 * a strided conv), 1x1 conv expanding 4x; the shortcut is {@code avgpool + 1x1 conv + bn} when the shape
 * changes. All convolutions are bias-free and followed by eval-mode BatchNorm.
 */
final class Bottleneck {

    static final int EXPANSION = 4;

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Conv2d conv3;
    private final BatchNorm2d bn3;
    private final Conv2d downsampleConv;
    private final BatchNorm2d downsampleBn;
    private final int stride;

    private Bottleneck(Conv2d conv1, BatchNorm2d bn1, Conv2d conv2, BatchNorm2d bn2, Conv2d conv3, BatchNorm2d bn3,
                       Conv2d downsampleConv, BatchNorm2d downsampleBn, int stride) {
        this.conv1 = conv1;
        this.bn1 = bn1;
        this.conv2 = conv2;
        this.bn2 = bn2;
        this.conv3 = conv3;
        this.bn3 = bn3;
        this.downsampleConv = downsampleConv;
        this.downsampleBn = downsampleBn;
        this.stride = stride;
    }

    static Bottleneck load(WeightSource ws, int inplanes, int planes, int stride) {
        float eps = 1e-5f;
        int outPlanes = planes * EXPANSION;
        Conv2d dsConv = null;
        BatchNorm2d dsBn = null;
        if (stride > 1 || inplanes != outPlanes) {
            // downsample = Sequential(AvgPool2d(stride) "-1", Conv2d "0", BatchNorm2d "1")
            dsConv = Conv2d.load(ws.pp("downsample").pp(0), inplanes, outPlanes, 1, 1, 0, false);
            dsBn = BatchNorm2d.load(ws.pp("downsample").pp(1), outPlanes, eps);
        }
        return new Bottleneck(
                Conv2d.load(ws.pp("conv1"), inplanes, planes, 1, 1, 0, false), BatchNorm2d.load(ws.pp("bn1"), planes, eps),
                Conv2d.load(ws.pp("conv2"), planes, planes, 3, 1, 1, false), BatchNorm2d.load(ws.pp("bn2"), planes, eps),
                Conv2d.load(ws.pp("conv3"), planes, outPlanes, 1, 1, 0, false), BatchNorm2d.load(ws.pp("bn3"), outPlanes, eps),
                dsConv, dsBn, stride);
    }

    int outChannels() {
        return conv3.out();
    }

    int outSize(int size) {
        return size / stride;
    }

    /** {@code x [n, in, size, size]} to {@code [n, out, size/stride, size/stride]}. */
    float[] forward(Ops ops, float[] x, int n, int size) {
        int plane = size * size;
        float[] y = conv1.forward(ops, x, n, size, size);
        bn1.forwardInPlace(y, n, plane, true);
        y = conv2.forward(ops, y, n, size, size);
        bn2.forwardInPlace(y, n, plane, true);
        int outSize = size;
        if (stride > 1) {
            y = Ops.avgPool2d(y, n * conv2.out(), size, size, stride);
            outSize = size / stride;
        }
        int outPlane = outSize * outSize;
        y = conv3.forward(ops, y, n, outSize, outSize);
        bn3.forwardInPlace(y, n, outPlane, false);
        float[] identity;
        if (downsampleConv != null) {
            float[] pooled = stride > 1 ? Ops.avgPool2d(x, n * conv1.in(), size, size, stride) : x;
            identity = downsampleConv.forward(ops, pooled, n, outSize, outSize);
            downsampleBn.forwardInPlace(identity, n, outPlane, false);
        } else {
            identity = x;
        }
        ops.addInPlace(y, identity);
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0f) {
                y[i] = 0f;
            }
        }
        return y;
    }

    long flops(int size) {
        int outSize = size / stride;
        long f = 2L * size * size * conv1.in() * conv1.out()
                + 2L * size * size * conv2.in() * conv2.out() * 9
                + 2L * outSize * outSize * conv3.in() * conv3.out();
        if (downsampleConv != null) {
            f += 2L * outSize * outSize * downsampleConv.in() * downsampleConv.out();
        }
        return f;
    }
}
