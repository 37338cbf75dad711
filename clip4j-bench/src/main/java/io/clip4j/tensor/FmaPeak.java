package io.clip4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Locale;

/**
 * The machine's FP32 FMA ceiling as Java sees it: 12 independent vector FMA chains per thread (enough to
 * hide the FMA latency), no memory traffic, on 1 thread and on all threads. The GEMM and model figures are
 * fractions of this.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp clip4j-bench/target/benchmarks.jar io.clip4j.tensor.FmaPeak}
 */
public final class FmaPeak {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;

    private FmaPeak() {
    }

    static float chains(long iterations) {
        FloatVector x = FloatVector.broadcast(S, 0.999999f);
        FloatVector y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1f);
        FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    static double gflops(int threads, long iterations) throws InterruptedException {
        Thread[] ts = new Thread[threads];
        float[] sink = new float[threads];
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> sink[id] = chains(iterations));
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return threads * iterations * CHAINS * S.length() * 2.0 / seconds / 1e9;
    }

    public static void main(String[] args) throws InterruptedException {
        int cores = Runtime.getRuntime().availableProcessors();
        gflops(cores, 50_000_000L); // compile the loop before timing
        for (int threads : new int[] {1, cores}) {
            double best = 0;
            for (int round = 0; round < 3; round++) {
                best = Math.max(best, gflops(threads, 200_000_000L));
            }
            System.out.printf(Locale.ROOT, "%d thread(s), %d-bit vectors: %.1f GFLOP/s FP32 FMA peak (best of 3)%n",
                    threads, S.vectorBitSize(), best);
        }
    }
}
