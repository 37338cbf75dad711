package io.clip4j.model.clip;

import io.clip4j.model.ImageEncoder;
import io.clip4j.nn.BatchNorm2d;
import io.clip4j.nn.Conv2d;
import io.clip4j.nn.Trace;
import io.clip4j.nn.WeightSource;
import io.clip4j.tensor.Ops;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's ResNet image tower: a 3-convolution stem with an average pool, four stages of
 * {@link Bottleneck}s (the first block of stages 2-4 halves the resolution) and an
 * {@link AttentionPool2d} in place of global average pooling.
 */
public final class ModifiedResNet implements ImageEncoder {

    private final int imageSize;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Conv2d conv3;
    private final BatchNorm2d bn3;
    private final List<List<Bottleneck>> stages;
    private final AttentionPool2d attnpool;

    private ModifiedResNet(int imageSize, Conv2d conv1, BatchNorm2d bn1, Conv2d conv2, BatchNorm2d bn2, Conv2d conv3,
                           BatchNorm2d bn3, List<List<Bottleneck>> stages, AttentionPool2d attnpool) {
        this.imageSize = imageSize;
        this.conv1 = conv1;
        this.bn1 = bn1;
        this.conv2 = conv2;
        this.bn2 = bn2;
        this.conv3 = conv3;
        this.bn3 = bn3;
        this.stages = stages;
        this.attnpool = attnpool;
    }

    /** OpenAI layout under {@code visual.}. */
    static ModifiedResNet loadOpenAi(WeightSource ws, ClipConfig.Vision cfg, int embedDim) {
        int width = cfg.width();
        if (cfg.imageSize() % 32 != 0) {
            throw new IllegalArgumentException("ResNet input resolution " + cfg.imageSize() + " is not a multiple of 32");
        }
        float eps = 1e-5f;
        Conv2d c1 = Conv2d.load(ws.pp("conv1"), 3, width / 2, 3, 2, 1, false);
        BatchNorm2d b1 = BatchNorm2d.load(ws.pp("bn1"), width / 2, eps);
        Conv2d c2 = Conv2d.load(ws.pp("conv2"), width / 2, width / 2, 3, 1, 1, false);
        BatchNorm2d b2 = BatchNorm2d.load(ws.pp("bn2"), width / 2, eps);
        Conv2d c3 = Conv2d.load(ws.pp("conv3"), width / 2, width, 3, 1, 1, false);
        BatchNorm2d b3 = BatchNorm2d.load(ws.pp("bn3"), width, eps);
        int[] counts = cfg.resnetLayers();
        List<List<Bottleneck>> stages = new ArrayList<>();
        int inplanes = width;
        for (int s = 0; s < 4; s++) {
            int planes = width << s;
            List<Bottleneck> blocks = new ArrayList<>();
            WeightSource layer = ws.pp("layer" + (s + 1));
            for (int i = 0; i < counts[s]; i++) {
                int stride = (i == 0 && s > 0) ? 2 : 1;
                blocks.add(Bottleneck.load(layer.pp(i), inplanes, planes, stride));
                inplanes = planes * Bottleneck.EXPANSION;
            }
            stages.add(List.copyOf(blocks));
        }
        AttentionPool2d pool = AttentionPool2d.load(ws.pp("attnpool"), cfg.imageSize() / 32, width * 32, cfg.heads(), embedDim);
        return new ModifiedResNet(cfg.imageSize(), c1, b1, c2, b2, c3, b3, List.copyOf(stages), pool);
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
    public float[] forward(Ops ops, float[] pixels, int batch, Trace trace) {
        int plane = imageSize * imageSize;
        if (pixels.length != batch * 3 * plane) {
            throw new IllegalArgumentException("pixel_values must be [" + batch + ", 3, " + imageSize + ", " + imageSize
                    + "] (" + batch * 3 * plane + " values), got " + pixels.length + " values");
        }
        int size = conv1.outSize(imageSize);
        float[] x = conv1.forward(ops, pixels, batch, imageSize, imageSize);
        bn1.forwardInPlace(x, batch, size * size, true);
        Trace.emit(trace, "visual.stem.relu1", x, batch, conv1.out(), size, size);
        x = conv2.forward(ops, x, batch, size, size);
        bn2.forwardInPlace(x, batch, size * size, true);
        Trace.emit(trace, "visual.stem.relu2", x, batch, conv2.out(), size, size);
        x = conv3.forward(ops, x, batch, size, size);
        bn3.forwardInPlace(x, batch, size * size, true);
        Trace.emit(trace, "visual.stem.relu3", x, batch, conv3.out(), size, size);
        x = Ops.avgPool2d(x, batch * conv3.out(), size, size, 2);
        size /= 2;
        Trace.emit(trace, "visual.stem", x, batch, conv3.out(), size, size);
        for (int s = 0; s < stages.size(); s++) {
            int channels = 0;
            for (Bottleneck b : stages.get(s)) {
                x = b.forward(ops, x, batch, size);
                size = b.outSize(size);
                channels = b.outChannels();
            }
            Trace.emit(trace, "visual.layer" + (s + 1), x, batch, channels, size, size);
        }
        return attnpool.forward(ops, x, batch, trace);
    }

    @Override
    public long flopsPerImage() {
        int size = conv1.outSize(imageSize);
        long f = 2L * size * size * 27 * conv1.out()
                + 2L * size * size * 9 * conv2.in() * conv2.out()
                + 2L * size * size * 9 * conv3.in() * conv3.out();
        size /= 2;
        for (List<Bottleneck> stage : stages) {
            for (Bottleneck b : stage) {
                f += b.flops(size);
                size = b.outSize(size);
            }
        }
        return f + attnpool.flops();
    }
}
