package io.clip4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.data.FashionMnist;
import io.clip4j.image.PreprocessConfig;
import io.clip4j.image.Preprocessor;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Models;
import io.clip4j.tensor.Kernels;
import io.clip4j.text.ClipBpeTokenizer;
import io.clip4j.text.Tokenizer;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.data.Batch;
import io.clip4j.train.data.BatchLoader;
import io.clip4j.train.data.Captions;
import io.clip4j.train.data.FashionPairs;
import io.clip4j.train.data.FolderPairs;
import io.clip4j.train.data.PairDataset;
import io.clip4j.train.eval.FashionEval;
import io.clip4j.train.eval.TrainableEmbeddingModel;
import io.clip4j.train.io.CheckpointWriter;
import io.clip4j.train.io.ModelPreprocessing;
import io.clip4j.train.model.Architectures;
import io.clip4j.train.model.ContrastiveModel;
import io.clip4j.train.model.ModelFactory;
import io.clip4j.train.model.ModelSpec;
import io.clip4j.train.model.PatchDropout;
import io.clip4j.train.nn.Parameter;
import io.clip4j.train.optim.AdamW;
import io.clip4j.train.optim.CosineSchedule;
import io.clip4j.train.optim.GradClip;
import io.clip4j.weights.DType;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A contrastive training run: builds or loads the model, streams shuffled batches, and for every batch
 * computes the loss, back-propagates, clips, takes an AdamW step on the cosine schedule and clamps
 * {@code logit_scale}. Writes, in the run directory: {@code train_config.json}, {@code metrics.jsonl}
 * (one JSON object per logged step and per evaluation), {@code checkpoint/} (weights and
 * {@link TrainingState}, replaced after each epoch and every {@code checkpoint_every_steps}) and, at the
 * end, {@code model/}, the trained model.
 */
public final class Trainer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrainConfig cfg;
    private final TrainListener listener;

    public Trainer(TrainConfig cfg, TrainListener listener) {
        this.cfg = cfg.validate();
        this.listener = listener == null ? new TrainListener() { } : listener;
    }

    /** What a finished run reports. */
    public record Summary(Path model, int steps, double finalLoss, double seconds, double imagesPerSecond,
                          double zeroShotAccuracy) {
    }

    /** Parameters of the tower that {@code freeze} names. */
    static Predicate<String> frozen(String freeze) {
        return switch (freeze) {
            case "vision" -> n -> n.startsWith("visual") || n.startsWith("vision_model");
            case "text" -> n -> !(n.startsWith("visual") || n.startsWith("vision_model") || n.equals("logit_scale")
                    || n.equals("logit_bias"));
            default -> n -> false;
        };
    }

    public Summary run() throws IOException {
        Path out = Path.of(cfg.output());
        Files.createDirectories(out);
        Path checkpoint = out.resolve("checkpoint");
        boolean resuming = cfg.resume() && Files.isRegularFile(checkpoint.resolve(TrainingState.FILE));
        Predicate<String> frozen = frozen(cfg.freeze());

        Path source = cfg.model() == null ? null : Path.of(cfg.model());
        // where the model's config files come from when it is saved (null: written for a new model)
        Path configSource = resuming ? checkpoint : source;
        ContrastiveModel model;
        ModelSpec spec;
        PreprocessConfig preprocess;
        Tokenizer tokenizer;
        if (resuming || source != null) {
            Path dir = resuming ? checkpoint : source;
            model = ModelFactory.load(dir, frozen);
            spec = model.spec();
            // the tokenizer and preprocessing of the checkpoint, as the core's loader resolves them for inference
            try (EmbeddingModel inference = Models.loadEmbedding(dir, null, Kernels.get())) {
                preprocess = inference.preprocessConfig();
                tokenizer = inference.tokenizer();
            }
            listener.info((resuming ? "resuming from " : "fine-tuning ") + dir + ": " + spec.describe());
        } else {
            spec = ModelSpec.clip(Architectures.get(cfg.arch()));
            model = ModelFactory.create(spec, cfg.seed(), frozen);
            preprocess = cfg.dataset() != null ? ModelPreprocessing.fashion(spec.imageSize())
                    : ModelPreprocessing.familyDefault(spec);
            tokenizer = ClipBpeTokenizer.bundled().withContextLength(spec.text().contextLength());
            listener.info("new " + cfg.arch() + " model: " + spec.describe());
        }
        model.setRecompute(cfg.recompute());
        model.setPatchDropout(new PatchDropout(cfg.patchDropout(), 0)); // fails early if the tower has no patches
        model.setPatchDropout(PatchDropout.OFF);
        ContrastiveModel.LossKind lossKind = cfg.loss() == null ? model.defaultLoss()
                : ContrastiveModel.LossKind.valueOf(cfg.loss().toUpperCase(Locale.ROOT));
        Preprocessor pre = new Preprocessor(preprocess);

        PairDataset data;
        FashionMnist test = null;
        if (cfg.dataset() != null) {
            data = new FashionPairs(FashionMnist.load(FashionMnist.Split.TRAIN), cfg.subset(), Captions.fashionTraining(),
                    pre, spec.imageSize(), cfg.augmentShift());
            if (cfg.evalEveryEpochs() > 0) {
                test = FashionMnist.load(FashionMnist.Split.TEST);
            }
        } else {
            data = new FolderPairs(Path.of(cfg.images()), Path.of(cfg.captions()), pre, spec.imageSize(), 1L << 30);
        }

        List<Parameter> trainable = model.parameters().trainable();
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("every parameter is frozen: nothing to train");
        }
        AdamW opt = new AdamW(trainable, cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.weightDecay(), AdamW::clipDecayRule);
        try (BatchLoader loader = new BatchLoader(data, tokenizer, cfg.batchSize(), cfg.seed(), cfg.augment())) {
            int perEpoch = loader.batchesPerEpoch();
            int total = cfg.maxSteps() > 0 ? cfg.maxSteps() : cfg.epochs() * perEpoch;
            int epochs = (total + perEpoch - 1) / perEpoch;
            CosineSchedule schedule = new CosineSchedule(cfg.lr(), Math.min(cfg.warmupSteps(), total), total, cfg.minLr());
            TrainingState.Position start = resuming ? TrainingState.load(checkpoint, opt) : new TrainingState.Position(0, 0, 0);
            Files.writeString(out.resolve("train_config.json"), cfg.toJson());
            listener.info(String.format(Locale.ROOT, "%d pairs, %d steps of %d (%d per epoch), %s loss, %d of %d parameters trained",
                    data.size(), total, cfg.batchSize(), perEpoch, lossKind.name().toLowerCase(Locale.ROOT),
                    trainable.stream().mapToLong(p -> p.data().length).sum(), model.parameters().count()));
            listener.started(spec.describe(), start.step(), total, perEpoch);

            int step = start.step();
            double trainSeconds = 0;
            double lastLoss = Double.NaN;
            double accuracy = Double.NaN;
            long imagesSeen = 0;
            try (BufferedWriter metrics = Files.newBufferedWriter(out.resolve("metrics.jsonl"), StandardOpenOption.CREATE,
                    resuming ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                for (int epoch = start.epoch(); epoch < epochs && step < total; epoch++) {
                    int first = epoch == start.epoch() ? start.batch() : 0;
                    BatchLoader.EpochIterator it = loader.epoch(epoch, first);
                    while (it.hasNext() && step < total) {
                        long t0 = System.nanoTime();
                        int batchIndex = it.position();
                        Batch batch = it.next();
                        double lr = schedule.lr(step);
                        model.setPatchDropout(patchDropout(epoch, step));
                        model.parameters().zeroGrad();
                        Tape tape = Tape.create();
                        Variable loss = model.loss(tape, batch.pixels(), batch.tokens(), lossKind, cfg.lossChunk());
                        tape.backward(loss);
                        double norm = cfg.gradClip() > 0 ? GradClip.clip(trainable, cfg.gradClip()) : GradClip.globalNorm(trainable);
                        opt.step(lr);
                        TrainStep.clampLogitScale(model);
                        model.parameters().zeroGrad();
                        step++;
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        trainSeconds += seconds;
                        imagesSeen += batch.size();
                        lastLoss = loss.item();
                        if (!Double.isFinite(lastLoss)) {
                            throw new IllegalStateException("the loss became " + lastLoss + " at step " + step
                                    + " (try a lower lr or gradient clipping)");
                        }
                        var stats = new TrainListener.StepStats(epoch, batchIndex, step, total, perEpoch, lastLoss, lr, norm,
                                Math.exp(model.logitScale().item()), batch.size() / seconds, trainSeconds);
                        listener.step(stats);
                        if (step % cfg.logEverySteps() == 0 || step == total) {
                            writeMetrics(metrics, stats);
                        }
                        if (cfg.checkpointEverySteps() > 0 && step % cfg.checkpointEverySteps() == 0 && step < total) {
                            boolean endOfEpoch = !it.hasNext();
                            saveCheckpoint(model, opt, checkpoint, configSource, preprocess, new TrainingState.Position(step,
                                    endOfEpoch ? epoch + 1 : epoch, endOfEpoch ? 0 : it.position()));
                        }
                    }
                    model.setPatchDropout(PatchDropout.OFF);
                    boolean lastEpoch = epoch + 1 >= epochs || step >= total;
                    if (test != null && ((epoch + 1) % cfg.evalEveryEpochs() == 0 || lastEpoch)) {
                        accuracy = FashionEval.zeroShot(new TrainableEmbeddingModel(model, tokenizer, preprocess), test,
                                cfg.evalLimit()).accuracy();
                        listener.evaluated(epoch, step, accuracy);
                        ObjectNode line = JSON.createObjectNode();
                        line.put("epoch", epoch + 1);
                        line.put("step", step);
                        line.put("zero_shot_test_accuracy", accuracy);
                        line.put("train_seconds", trainSeconds);
                        metrics.write(line.toString());
                        metrics.newLine();
                        metrics.flush();
                    }
                    if (!lastEpoch) {
                        saveCheckpoint(model, opt, checkpoint, configSource, preprocess,
                                new TrainingState.Position(step, epoch + 1, 0));
                    }
                }
            }
            Path finalDir = out.resolve("model");
            DType dtype = DType.valueOf(cfg.saveDtype().toUpperCase(Locale.ROOT));
            String steps = Integer.toString(step);
            replaceDir(finalDir, tmp -> CheckpointWriter.save(model, tmp, dtype, configSource, preprocess,
                    Map.of("clip4j_train_steps", steps)));
            listener.saved(finalDir, true);
            return new Summary(finalDir, step, lastLoss, trainSeconds,
                    trainSeconds > 0 ? imagesSeen / trainSeconds : 0, accuracy);
        }
    }

    /** The patch dropout of a step: its own seed, so that a resumed run drops the same patches. */
    private PatchDropout patchDropout(int epoch, int step) {
        if (cfg.patchDropout() == 0 || (cfg.patchDropoutEpochs() > 0 && epoch >= cfg.patchDropoutEpochs())) {
            return PatchDropout.OFF;
        }
        return new PatchDropout(cfg.patchDropout(), cfg.seed() * 0x9E3779B97F4A7C15L + step);
    }

    private void writeMetrics(BufferedWriter w, TrainListener.StepStats s) throws IOException {
        ObjectNode line = JSON.createObjectNode();
        line.put("epoch", s.epoch() + (double) (s.batch() + 1) / s.stepsPerEpoch());
        line.put("step", s.step());
        line.put("loss", s.loss());
        line.put("lr", s.lr());
        line.put("grad_norm", s.gradNorm());
        line.put("logit_scale_exp", s.logitScale());
        line.put("images_per_s", s.imagesPerSecond());
        line.put("train_seconds", s.elapsedSeconds());
        w.write(line.toString());
        w.newLine();
        w.flush();
    }

    private void saveCheckpoint(ContrastiveModel model, AdamW opt, Path checkpoint, Path configSource,
                                PreprocessConfig preprocess, TrainingState.Position position) throws IOException {
        replaceDir(checkpoint, tmp -> {
            CheckpointWriter.save(model, tmp, DType.F32, configSource, preprocess,
                    Map.of("clip4j_train_steps", Integer.toString(position.step())));
            TrainingState.save(tmp, opt, position, cfg.toJson());
        });
        listener.saved(checkpoint, false);
    }

    /** Writes a directory next to {@code dir} and swaps it in, so that a crash never leaves half a checkpoint. */
    private static void replaceDir(Path dir, java.util.function.Consumer<Path> writer) throws IOException {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        writer.accept(tmp);
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        deleteTree(old);
        if (Files.exists(dir)) {
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
