import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ONNX Runtime (Java API) on an exported image tower, measured like {@code clip4j bench}: warm-up, then
 * the median over timed batches; the same random pixels as {@code clip4j bench} (SplittableRandom(1),
 * uniform in [-2, 2)), so the checksums of the two agree when the graphs compute the same thing.
 *
 * <p>Usage: {@code java -cp onnxruntime.jar OrtBench.java MODEL.onnx BATCH SECONDS THREADS RESOLUTION}.
 * Prints one JSON line with the keys of {@code clip4j bench --json}.
 */
public class OrtBench {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int batch = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        int threads = Integer.parseInt(args[3]);
        int res = Integer.parseInt(args[4]);
        long t0 = System.nanoTime();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(threads);
        opts.setInterOpNumThreads(1);
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // Workers that spin are descheduled on a shared VM; let them sleep like clip4j's.
        opts.addConfigEntry("session.intra_op.allow_spinning", "0");
        try (OrtSession session = env.createSession(model.toString(), opts)) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            SplittableRandom rnd = new SplittableRandom(1);
            float[] px = new float[batch * 3 * res * res];
            for (int i = 0; i < px.length; i++) {
                px[i] = (float) (rnd.nextDouble() * 4 - 2);
            }
            String input = session.getInputNames().iterator().next();
            float[][] last = new float[1][];
            double[] checksum = new double[1];
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(px), new long[]{batch, 3, res, res})) {
                Runnable step = () -> {
                    try (OrtSession.Result r = session.run(Map.of(input, t))) {
                        float[][] out = (float[][]) r.get(0).getValue();
                        last[0] = out.length == 0 ? new float[0] : out[out.length - 1];
                        double sum = 0;
                        for (float[] row : out) {
                            for (float f : row) {
                                sum += f;
                            }
                        }
                        checksum[0] = sum;
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                };
                long warmEnd = System.nanoTime() + 2_000_000_000L;
                do {
                    step.run();
                } while (System.nanoTime() < warmEnd);
                List<Double> times = new ArrayList<>();
                long end = System.nanoTime() + (long) (seconds * 1e9);
                do {
                    long s = System.nanoTime();
                    step.run();
                    times.add((System.nanoTime() - s) / 1e6);
                } while (System.nanoTime() < end || times.size() < 3);
                double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double median = sorted[sorted.length / 2];
                System.out.printf("{\"runtime\": \"onnxruntime-java\", \"batch\": %d, \"threads\": %d, \"items_per_s\": %.3f, "
                                + "\"ms_per_batch\": %.3f, \"runs\": %d, \"load_ms\": %.1f, \"peak_rss_mb\": %d, \"checksum\": %s}%n",
                        batch, threads, batch * 1000.0 / median, median, sorted.length, loadMs, peakRssMb(), checksum[0]);
            }
        }
    }

    static long peakRssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.trim().split("\\s+")[1]) / 1024;
            }
        }
        return -1;
    }
}
