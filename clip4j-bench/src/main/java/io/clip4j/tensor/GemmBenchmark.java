package io.clip4j.tensor;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code C [m, n] = A [m, k] W^T} on the ViT-B/32 shapes (batch 32: m = 1600; batch 1: m = 50), with the
 * Java micro-kernel and, where installed, OpenBLAS's {@code sgemm} under the same task split.
 * Divide {@code 2 m n k} by the reported time for GFLOP/s ({@link GemmRatio} prints that directly).
 *
 * <p>{@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar
 * clip4j-bench/target/benchmarks.jar GemmBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {

    /** m x n x k. */
    @Param({"1600x2304x768", "1600x768x768", "1600x3072x768", "1600x768x3072", "50x2304x768", "50x3072x768", "50x768x3072"})
    public String shape;

    @Param({"java", "openblas"})
    public String impl;

    @Param({"true", "false"})
    public boolean parallel;

    private GemmKernel kernel;
    private float[] a;
    private PackedMatrix w;
    private float[] c;
    private int m;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        int n = Integer.parseInt(p[1]);
        int k = Integer.parseInt(p[2]);
        kernel = GemmRatio.kernel(impl);
        SplittableRandom r = new SplittableRandom(1);
        a = GemmRatio.random(r, m * k);
        w = PackedMatrix.ofRows(GemmRatio.random(r, n * k), 0, n, k, Math.min(kernel.nr(), n));
        c = new float[m * n];
    }

    @Benchmark
    public float[] gemm() {
        Gemm.multiply(kernel, m, a, 0, w.k(), w, c, 0, w.n(), null, null, false, parallel);
        return c;
    }
}
