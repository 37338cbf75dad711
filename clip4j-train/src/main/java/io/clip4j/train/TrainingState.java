package io.clip4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.train.nn.Parameter;
import io.clip4j.train.optim.AdamW;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.SafeTensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What resuming needs besides the weights: AdamW's moments per parameter ({@code exp_avg.<name>},
 * {@code exp_avg_sq.<name>}) and, in the metadata, the global step, the epoch and the next batch, and each
 * parameter's AdamW step count. Stored as {@value #FILE} next to the checkpoint's weights.
 */
public final class TrainingState {

    public static final String FILE = "training_state.safetensors";

    /** Where a run stands. */
    public record Position(int step, int epoch, int batch) {
    }

    private TrainingState() {
    }

    public static void save(Path dir, AdamW opt, Position position, String configJson) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        ObjectNode steps = new ObjectMapper().createObjectNode();
        for (Parameter p : opt.parameters()) {
            AdamW.State s = opt.state(p.name());
            if (s == null) {
                continue;
            }
            long[] shape = {s.expAvg().length};
            w.putF32("exp_avg." + p.name(), s.expAvg(), shape);
            w.putF32("exp_avg_sq." + p.name(), s.expAvgSq(), shape);
            steps.put(p.name(), s.step());
        }
        w.metadata("step", Integer.toString(position.step()));
        w.metadata("epoch", Integer.toString(position.epoch()));
        w.metadata("batch", Integer.toString(position.batch()));
        w.metadata("adam_steps", steps.toString());
        w.metadata("train_config", configJson);
        w.write(dir.resolve(FILE));
    }

    /** Restores the optimiser and returns the position; parameters must be those the state was saved with. */
    public static Position load(Path dir, AdamW opt) {
        Path file = dir.resolve(FILE);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            var meta = f.metadata();
            var steps = new ObjectMapper().readTree(meta.getOrDefault("adam_steps", "{}"));
            List<Parameter> params = opt.parameters();
            for (Parameter p : params) {
                String m = "exp_avg." + p.name();
                if (!f.contains(m)) {
                    continue;
                }
                float[] a = f.floats(m);
                float[] b = f.floats("exp_avg_sq." + p.name());
                if (a.length != p.data().length || b.length != p.data().length) {
                    throw new IllegalStateException(file + ": optimiser state of " + p.name() + " has " + a.length
                            + " values, the parameter has " + p.data().length);
                }
                opt.restore(p.name(), new AdamW.State(a, b, steps.path(p.name()).asInt(1)));
            }
            return new Position(Integer.parseInt(meta.getOrDefault("step", "0")),
                    Integer.parseInt(meta.getOrDefault("epoch", "0")), Integer.parseInt(meta.getOrDefault("batch", "0")));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
