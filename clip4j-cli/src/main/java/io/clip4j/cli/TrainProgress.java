package io.clip4j.cli;

import io.clip4j.train.TrainListener;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Training progress on stderr: a bar redrawn in place on a terminal (or with {@code CLIP4J_PROGRESS=1}) with
 * loss, learning rate, temperature, throughput and ETA; when stderr is a file or pipe, one such line every 5%.
 */
final class TrainProgress implements TrainListener {

    private static final int WIDTH = 24;

    private final PrintStream err;
    private final boolean terminal;
    private final boolean quiet;
    private long lastDraw;
    private int lastPercentLogged = -1;
    private double smoothedLoss = Double.NaN;
    private double smoothedRate = Double.NaN;
    private int startStep;

    TrainProgress(PrintStream err, boolean terminal, boolean quiet) {
        this.err = err;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    @Override
    public void info(String message) {
        if (!quiet) {
            clearLine();
            err.println(message);
        }
    }

    @Override
    public void started(String description, int startStep, int totalSteps, int stepsPerEpoch) {
        this.startStep = startStep;
    }

    @Override
    public void step(StepStats s) {
        smoothedLoss = Double.isNaN(smoothedLoss) ? s.loss() : 0.9 * smoothedLoss + 0.1 * s.loss();
        smoothedRate = Double.isNaN(smoothedRate) ? s.imagesPerSecond() : 0.9 * smoothedRate + 0.1 * s.imagesPerSecond();
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        boolean last = s.step() == s.totalSteps();
        int percent = (int) (100L * s.step() / s.totalSteps());
        if (terminal) {
            if (now - lastDraw < 200_000_000L && !last) {
                return;
            }
            lastDraw = now;
            int filled = (int) ((long) WIDTH * s.step() / s.totalSteps());
            err.print("\r" + "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + line(s, percent) + "   ");
            if (last) {
                err.println();
            }
            err.flush();
        } else if (percent / 5 != lastPercentLogged / 5 || last) {
            lastPercentLogged = percent;
            err.println(line(s, percent));
        }
    }

    private String line(StepStats s, int percent) {
        double perStep = s.elapsedSeconds() / Math.max(1, s.step() - startStep);
        long eta = Math.round(perStep * (s.totalSteps() - s.step()));
        return String.format(Locale.ROOT, "%3d%% epoch %d step %d/%d loss %.4f lr %.2e scale %.1f %.0f img/s ETA %s",
                percent, s.epoch() + 1, s.step(), s.totalSteps(), smoothedLoss, s.lr(), s.logitScale(), smoothedRate,
                duration(eta));
    }

    static String duration(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    @Override
    public void evaluated(int epoch, int step, double accuracy) {
        if (!quiet) {
            clearLine();
            err.printf(Locale.ROOT, "epoch %d: zero-shot accuracy on the Fashion-MNIST test split %.4f%n", epoch + 1, accuracy);
        }
    }

    @Override
    public void saved(Path dir, boolean finalModel) {
        if (!quiet && finalModel) {
            clearLine();
            err.println("saved the model to " + dir);
        }
    }

    private void clearLine() {
        if (terminal) {
            err.print("\r\033[K");
        }
    }
}
