package io.clip4j.train.model;

import io.clip4j.train.autograd.Convolutions;
import io.clip4j.train.autograd.Elementwise;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.nn.BatchNorm2d;
import io.clip4j.train.nn.Conv2d;
import io.clip4j.train.nn.ParameterStore;

/**
 * CLIP's anti-aliased ResNet bottleneck: 1x1, 3x3, {@code avgpool(stride)}, 1x1 expanding 4x; the shortcut
 * is {@code avgpool(stride)}, 1x1 conv and BatchNorm ({@code downsample.0}, {@code downsample.1}) when the
 * shape changes.
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

    Bottleneck(ParameterStore ps, String p, int inplanes, int planes, int stride, float eps) {
        int outPlanes = planes * EXPANSION;
        conv1 = new Conv2d(ps, p + ".conv1", inplanes, planes, 1, 1, 0, false);
        bn1 = new BatchNorm2d(ps, p + ".bn1", planes, eps);
        conv2 = new Conv2d(ps, p + ".conv2", planes, planes, 3, 1, 1, false);
        bn2 = new BatchNorm2d(ps, p + ".bn2", planes, eps);
        conv3 = new Conv2d(ps, p + ".conv3", planes, outPlanes, 1, 1, 0, false);
        bn3 = new BatchNorm2d(ps, p + ".bn3", outPlanes, eps);
        if (stride > 1 || inplanes != outPlanes) {
            downsampleConv = new Conv2d(ps, p + ".downsample.0", inplanes, outPlanes, 1, 1, 0, false);
            downsampleBn = new BatchNorm2d(ps, p + ".downsample.1", outPlanes, eps);
        } else {
            downsampleConv = null;
            downsampleBn = null;
        }
        this.stride = stride;
    }

    Variable forward(Tape tape, Variable x) {
        Variable y = Elementwise.relu(tape, bn1.forward(tape, conv1.forward(tape, x)));
        y = Elementwise.relu(tape, bn2.forward(tape, conv2.forward(tape, y)));
        if (stride > 1) {
            y = Convolutions.avgPool2d(tape, y, stride);
        }
        y = bn3.forward(tape, conv3.forward(tape, y));
        Variable identity = x;
        if (downsampleConv != null) {
            Variable pooled = stride > 1 ? Convolutions.avgPool2d(tape, x, stride) : x;
            identity = downsampleBn.forward(tape, downsampleConv.forward(tape, pooled));
        }
        return Elementwise.relu(tape, Elementwise.add(tape, y, identity));
    }
}
