package io.clip4j.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The Java GEMM against OpenBLAS's {@code sgemm} on the ViT-B/32 shapes, interleaved round by round so
 * that both see the same machine load; prints GFLOP/s (median of rounds) and the ratio per shape, for
 * one thread and for all threads.
 *
 * <p>{@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp
 * clip4j-bench/target/benchmarks.jar io.clip4j.tensor.GemmRatio [rounds]}
 */
public final class GemmRatio {

    private static final int[][] SHAPES = {
            {1600, 2304, 768}, {1600, 768, 768}, {1600, 3072, 768}, {1600, 768, 3072},
            {50, 2304, 768}, {50, 3072, 768}, {50, 768, 3072}};

    private GemmRatio() {
    }

    static GemmKernel kernel(String impl) {
        return switch (impl) {
            case "java" -> VectorKernels.create().gemmKernel();
            case "openblas" -> new BlasGemmKernel(NativeBlas.load().orElseThrow(
                    () -> new IllegalStateException("no OpenBLAS (apt-get install libopenblas0)")),
                    VectorKernels.create().gemmKernel());
            default -> throw new IllegalArgumentException(impl);
        };
    }

    static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() - 0.5);
        }
        return x;
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        GemmKernel java = kernel("java");
        GemmKernel blas = kernel("openblas");
        System.out.printf(Locale.ROOT, "%-18s %8s %12s %12s %7s%n", "m x n x k", "threads", "java GF/s", "openblas GF/s", "ratio");
        for (boolean parallel : new boolean[]{false, true}) {
            for (int[] s : SHAPES) {
                int m = s[0], n = s[1], k = s[2];
                SplittableRandom r = new SplittableRandom(1);
                float[] a = random(r, m * k);
                float[] w = random(r, n * k);
                PackedMatrix pj = PackedMatrix.ofRows(w, 0, n, k, java.nr());
                PackedMatrix pb = PackedMatrix.ofRows(w, 0, n, k, n);
                float[] c = new float[m * n];
                double flop = 2.0 * m * n * k;
                int reps = (int) Math.max(2, 3e9 / flop);
                List<Double> tj = new ArrayList<>();
                List<Double> tb = new ArrayList<>();
                for (int round = -2; round < rounds; round++) { // two warm-up rounds
                    double dj = time(() -> Gemm.multiply(java, m, a, 0, k, pj, c, 0, n, null, null, false, parallel), reps);
                    double db = time(() -> Gemm.multiply(blas, m, a, 0, k, pb, c, 0, n, null, null, false, parallel), reps);
                    if (round >= 0) {
                        tj.add(dj);
                        tb.add(db);
                    }
                }
                double gj = flop / median(tj) / 1e9;
                double gb = flop / median(tb) / 1e9;
                System.out.printf(Locale.ROOT, "%-18s %8d %12.1f %12.1f %7.2f%n", m + "x" + n + "x" + k,
                        parallel ? Parallel.threads() : 1, gj, gb, gj / gb);
            }
        }
    }

    private static double time(Runnable r, int reps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            r.run();
        }
        return (System.nanoTime() - t0) / 1e9 / reps;
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
