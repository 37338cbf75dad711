package io.clip4j.model.clip;

import io.clip4j.model.ImageEncoder;
import io.clip4j.nn.BatchNorm2d;
import io.clip4j.nn.Conv2d;
import io.clip4j.nn.FusedConv2d;
import io.clip4j.nn.Trace;
import io.clip4j.nn.WeightSource;
import io.clip4j.nn.Workspace;
import io.clip4j.nn.WorkspacePool;
import io.clip4j.tensor.Activation;
import io.clip4j.tensor.ChannelsLast;
import io.clip4j.tensor.Ops;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's ResNet image tower: a 3-convolution stem with an average pool, four stages of
 * {@link Bottleneck}s (the first block of stages 2-4 halves the resolution) and an
 * {@link AttentionPool2d} in place of global average pooling.
 */
public final class ModifiedResNet implements ImageEncoder {

    /**
     * Images per pass through the tower: the activations of a pass live in one workspace (~11 MB per
     * image at 224 px), so a batch of 32 costs no more memory than 4 images, and 4 x 3136 rows keep
     * every product large.
     */
    private static final int IMAGES_PER_PASS = 4;

    private final int imageSize;
    private final FusedConv2d conv1; // stem convolutions with their batch norms
    private final FusedConv2d conv2;
    private final FusedConv2d conv3;
    private final List<List<Bottleneck>> stages;
    private final AttentionPool2d attnpool;
    private final WorkspacePool workspaces = new WorkspacePool();

    private ModifiedResNet(int imageSize, FusedConv2d conv1, FusedConv2d conv2, FusedConv2d conv3,
                           List<List<Bottleneck>> stages, AttentionPool2d attnpool) {
        this.imageSize = imageSize;
        this.conv1 = conv1;
        this.conv2 = conv2;
        this.conv3 = conv3;
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
        FusedConv2d c1 = FusedConv2d.of(Conv2d.load(ws.pp("conv1"), 3, width / 2, 3, 2, 1, false),
                BatchNorm2d.load(ws.pp("bn1"), width / 2, eps));
        FusedConv2d c2 = FusedConv2d.of(Conv2d.load(ws.pp("conv2"), width / 2, width / 2, 3, 1, 1, false),
                BatchNorm2d.load(ws.pp("bn2"), width / 2, eps));
        FusedConv2d c3 = FusedConv2d.of(Conv2d.load(ws.pp("conv3"), width / 2, width, 3, 1, 1, false),
                BatchNorm2d.load(ws.pp("bn3"), width, eps));
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
        return new ModifiedResNet(cfg.imageSize(), c1, c2, c3, List.copyOf(stages), pool);
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
        // Traces record whole-batch tensors, so a traced call runs the batch in one pass.
        int perPass = trace.enabled() ? Math.max(1, batch) : IMAGES_PER_PASS;
        int dim = outputDim();
        float[] out = new float[batch * dim];
        try (Workspace ws = workspaces.acquire()) {
            for (int b0 = 0; b0 < batch; b0 += perPass) {
                int n = Math.min(perPass, batch - b0);
                float[] features = forwardPass(ops, ws, pixels, b0, n, trace);
                System.arraycopy(features, 0, out, b0 * dim, n * dim);
            }
        }
        return out;
    }

    /** Images {@code [b0, b0 + n)} through the tower, channels-last, with activations in {@code ws}. */
    private float[] forwardPass(Ops ops, Workspace ws, float[] pixels, int b0, int n, Trace trace) {
        int plane = imageSize * imageSize;
        float[] rgb = ws.get(Workspace.Slot.CONV_1, n * plane * 3);
        ChannelsLast.fromChannelsFirst(pixels, b0 * 3 * plane, n, 3, imageSize, imageSize, rgb, 0);
        int size = conv1.outSize(imageSize);
        float[] a = ws.get(Workspace.Slot.CONV_2, n * size * size * conv1.out());
        conv1.forward(ops, rgb, n, imageSize, a, Activation.RELU, false, ws);
        emit(trace, "visual.stem.relu1", a, n, size, conv1.out());
        float[] b = ws.get(Workspace.Slot.CONV_1, n * size * size * conv2.out());
        conv2.forward(ops, a, n, size, b, Activation.RELU, false, ws);
        emit(trace, "visual.stem.relu2", b, n, size, conv2.out());
        float[] c = ws.get(Workspace.Slot.CONV_2, n * size * size * conv3.out());
        conv3.forward(ops, b, n, size, c, Activation.RELU, false, ws);
        emit(trace, "visual.stem.relu3", c, n, size, conv3.out());
        float[] x = ws.get(Workspace.Slot.FEATURES, n * (size / 2) * (size / 2) * conv3.out());
        ChannelsLast.avgPool(ops.kernels(), c, n, size, size, conv3.out(), 2, x);
        size /= 2;
        emit(trace, "visual.stem", x, n, size, conv3.out());
        Workspace.Slot slot = Workspace.Slot.FEATURES;
        int channels = conv3.out();
        for (int s = 0; s < stages.size(); s++) {
            for (Bottleneck blk : stages.get(s)) {
                slot = blk.forward(ops, ws, slot, n, size);
                size = blk.outSize(size);
                channels = blk.outChannels();
            }
            emit(trace, "visual.layer" + (s + 1), ws.get(slot, n * size * size * channels), n, size, channels);
        }
        return attnpool.forward(ops, ws.get(slot, n * size * size * channels), n, trace);
    }

    /** Records a channels-last feature map in PyTorch's NCHW layout. */
    private static void emit(Trace trace, String name, float[] x, int n, int size, int channels) {
        if (trace.enabled()) {
            trace.record(name, ChannelsLast.toChannelsFirst(x, n, size, size, channels), n, channels, size, size);
        }
    }

    @Override
    public long flopsPerImage() {
        int size = conv1.outSize(imageSize);
        long f = conv1.flops(imageSize) + conv2.flops(size) + conv3.flops(size);
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
