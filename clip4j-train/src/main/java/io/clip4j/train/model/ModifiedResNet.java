package io.clip4j.train.model;

import io.clip4j.model.clip.ClipConfig;
import io.clip4j.train.autograd.Convolutions;
import io.clip4j.train.autograd.Elementwise;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.nn.BatchNorm2d;
import io.clip4j.train.nn.Conv2d;
import io.clip4j.train.nn.ParameterStore;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's ResNet image tower (OpenAI names under {@code visual.}): three-convolution stem with an average
 * pool, four stages of {@link Bottleneck}s, and {@link AttentionPool2d}. BatchNorm runs in eval mode.
 */
public final class ModifiedResNet implements ImageTower {

    private static final float BN_EPS = 1e-5f;

    private final int imageSize;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Conv2d conv3;
    private final BatchNorm2d bn3;
    private final List<Bottleneck> blocks;
    private final AttentionPool2d attnpool;

    public ModifiedResNet(ParameterStore ps, ClipConfig.Vision cfg, int embedDim) {
        if (cfg.imageSize() % 32 != 0) {
            throw new IllegalArgumentException("ResNet input resolution " + cfg.imageSize() + " is not a multiple of 32");
        }
        int width = cfg.width();
        imageSize = cfg.imageSize();
        conv1 = new Conv2d(ps, "visual.conv1", 3, width / 2, 3, 2, 1, false);
        bn1 = new BatchNorm2d(ps, "visual.bn1", width / 2, BN_EPS);
        conv2 = new Conv2d(ps, "visual.conv2", width / 2, width / 2, 3, 1, 1, false);
        bn2 = new BatchNorm2d(ps, "visual.bn2", width / 2, BN_EPS);
        conv3 = new Conv2d(ps, "visual.conv3", width / 2, width, 3, 1, 1, false);
        bn3 = new BatchNorm2d(ps, "visual.bn3", width, BN_EPS);
        blocks = new ArrayList<>();
        int inplanes = width;
        int[] counts = cfg.resnetLayers();
        for (int s = 0; s < 4; s++) {
            int planes = width << s;
            for (int i = 0; i < counts[s]; i++) {
                int stride = (i == 0 && s > 0) ? 2 : 1;
                blocks.add(new Bottleneck(ps, "visual.layer" + (s + 1) + "." + i, inplanes, planes, stride, BN_EPS));
                inplanes = planes * Bottleneck.EXPANSION;
            }
        }
        attnpool = new AttentionPool2d(ps, "visual.attnpool", imageSize / 32, width * 32, cfg.heads(), embedDim);
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public int outputDim() {
        return attnpool.outputDim();
    }

    @Override
    public Variable forward(Tape tape, float[] pixels, int batch) {
        Variable x = Variable.constant(pixels, batch, 3, imageSize, imageSize);
        x = Elementwise.relu(tape, bn1.forward(tape, conv1.forward(tape, x)));
        x = Elementwise.relu(tape, bn2.forward(tape, conv2.forward(tape, x)));
        x = Elementwise.relu(tape, bn3.forward(tape, conv3.forward(tape, x)));
        x = Convolutions.avgPool2d(tape, x, 2);
        for (Bottleneck b : blocks) {
            x = b.forward(tape, x);
        }
        return attnpool.forward(tape, x);
    }
}
