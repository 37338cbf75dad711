package io.clip4j.train;

/** Progress of a training run, for a progress bar or a log. Calls come from the training thread. */
public interface TrainListener {

    /** A run starts (or resumes at {@code startStep}). */
    default void started(String description, int startStep, int totalSteps, int stepsPerEpoch) {
    }

    /** After every optimiser step. */
    default void step(StepStats stats) {
    }

    /** A zero-shot evaluation finished. */
    default void evaluated(int epoch, int step, double accuracy) {
    }

    /** A checkpoint or the final model was written. */
    default void saved(java.nio.file.Path dir, boolean finalModel) {
    }

    /** Free-form information (what was loaded, where files go). */
    default void info(String message) {
    }

    /**
     * One step's numbers.
     *
     * @param epoch          0-based epoch
     * @param batch          0-based batch within the epoch
     * @param step           1-based global step just taken
     * @param totalSteps     steps of the run
     * @param stepsPerEpoch  batches per epoch
     * @param loss           the batch loss before the update
     * @param lr             learning rate of the update
     * @param gradNorm       global gradient norm before clipping
     * @param logitScale     exp(logit_scale) after the update
     * @param imagesPerSecond throughput of this step (pairs per second, data loading included)
     * @param elapsedSeconds training time so far (evaluation excluded)
     */
    record StepStats(int epoch, int batch, int step, int totalSteps, int stepsPerEpoch, double loss, double lr,
                     double gradNorm, double logitScale, double imagesPerSecond, double elapsedSeconds) {
    }
}
