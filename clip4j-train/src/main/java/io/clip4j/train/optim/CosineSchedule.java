package io.clip4j.train.optim;

/**
 * Learning rate with linear warm-up followed by cosine decay to {@code minLr} (open_clip's
 * {@code cosine_lr}): step {@code s} (0-based) gets {@code base * (s + 1) / warmup} during warm-up, then
 * {@code minLr + (base - minLr) * (1 + cos(pi * e / (total - warmup))) / 2} with {@code e = s - warmup}.
 */
public record CosineSchedule(double baseLr, int warmupSteps, int totalSteps, double minLr) {

    public CosineSchedule {
        if (warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("need 0 <= warmup (" + warmupSteps + ") <= total steps (" + totalSteps + ")");
        }
    }

    /** The learning rate of step {@code step} (0-based). */
    public double lr(int step) {
        if (step < warmupSteps) {
            return baseLr * (step + 1) / warmupSteps;
        }
        int decaySteps = totalSteps - warmupSteps;
        if (decaySteps <= 0) {
            return baseLr;
        }
        double e = Math.min(step - warmupSteps, decaySteps);
        return minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * e / decaySteps));
    }
}
