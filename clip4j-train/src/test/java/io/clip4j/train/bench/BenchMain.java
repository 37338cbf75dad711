package io.clip4j.train.bench;

import io.clip4j.train.TrainBenchmark;
import io.clip4j.train.model.Architectures;

/** Manual benchmark entry point (not a test). */
public final class BenchMain {
    public static void main(String[] a) {
        String arch = a.length > 0 ? a[0] : Architectures.FASHION;
        int batch = a.length > 1 ? Integer.parseInt(a[1]) : 256;
        int len = a.length > 2 ? Integer.parseInt(a[2]) : 0;
        var r = TrainBenchmark.run(arch, Architectures.get(arch), batch, len, 2, 5, false, System.out::println);
        System.out.printf("%s batch %d: %.1f img/s, %.1f ms/step, %d params%n", arch, batch, r.imagesPerSecond(), r.msPerStep(), r.parameters());
    }
}
