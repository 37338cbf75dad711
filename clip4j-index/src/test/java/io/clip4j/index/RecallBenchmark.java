package io.clip4j.index;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dev benchmark (not run by the test suite): HNSW recall@10 against exact search, and query latency, on
 * {@code n} clustered, normalised vectors ({@link ClusteredVectors}). Builds the index in {@code --dir} if
 * it is not there yet (reusing it otherwise), then times {@code --queries} held-out queries at each fan-out.
 * Run it with {@code clip4j-index/bench.sh recall ...}.
 *
 * <p>Arguments ({@code --name value}): dir, n (1000000), dim (512), clusters (4000), m (16), beam (100),
 * threads (cores), ram (MB, 1024), queries (100), fanouts (10,20,50,100,200), k (10).
 */
public final class RecallBenchmark {

    private RecallBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        Path dir = Path.of(a.getOrDefault("dir", "/tmp/clip4j-recall"));
        int n = Integer.parseInt(a.getOrDefault("n", "1000000"));
        int dim = Integer.parseInt(a.getOrDefault("dim", "512"));
        int clusters = Integer.parseInt(a.getOrDefault("clusters", "4000"));
        int m = Integer.parseInt(a.getOrDefault("m", "16"));
        int beam = Integer.parseInt(a.getOrDefault("beam", "100"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "" + Runtime.getRuntime().availableProcessors()));
        double ram = Double.parseDouble(a.getOrDefault("ram", "1024"));
        int queries = Integer.parseInt(a.getOrDefault("queries", "100"));
        int k = Integer.parseInt(a.getOrDefault("k", "10"));
        int[] fanouts = Arrays.stream(a.getOrDefault("fanouts", "10,20,50,100,200").split(","))
                .mapToInt(Integer::parseInt).toArray();
        ClusteredVectors gen = new ClusteredVectors(dim, clusters, 42);
        IndexIdentity id = new IndexIdentity("synthetic-lowrank-" + n + "-" + dim + "-" + clusters, "synthetic", dim,
                "clustered-" + clusters);
        HnswParams params = new HnswParams(m, beam, threads);
        System.out.printf(Locale.ROOT, "n=%d dim=%d clusters=%d M=%d beam=%d threads=%d cores=%d%n", n, dim, clusters,
                m, beam, threads, Runtime.getRuntime().availableProcessors());

        try (VectorIndex ix = VectorIndex.open(dir, id, VectorIndex.Mode.WRITE, params, ram)) {
            int have = ix.size();
            if (have < n) {
                build(ix, gen, have, n, threads);
            }
            System.out.printf(Locale.ROOT, "index: %d vectors in %d segments%n", ix.size(), ix.segmentCount());

            float[][] qs = new float[queries][];
            for (int i = 0; i < queries; i++) {
                qs[i] = gen.vector(1, i);
            }
            // warm-up: page the vectors and graphs in, let the JIT compile the search paths
            for (int i = 0; i < Math.min(20, queries); i++) {
                ix.search(gen.vector(2, i), k, fanouts[fanouts.length - 1]);
                ix.searchExact(gen.vector(2, i), k);
            }
            List<Set<String>> truth = new ArrayList<>();
            long[] exactNanos = new long[queries];
            for (int i = 0; i < queries; i++) {
                long t0 = System.nanoTime();
                List<Hit> hits = ix.searchExact(qs[i], k);
                exactNanos[i] = System.nanoTime() - t0;
                Set<String> s = new HashSet<>();
                hits.forEach(h -> s.add(h.path()));
                truth.add(s);
            }
            System.out.printf(Locale.ROOT, "exact (brute force, %d threads): mean %.1f ms, p50 %.1f ms, p99 %.1f ms%n",
                    io.clip4j.tensor.Parallel.threads(), mean(exactNanos), pct(exactNanos, 50), pct(exactNanos, 99));
            for (int fan : fanouts) {
                long[] nanos = new long[queries];
                double recall = 0;
                for (int i = 0; i < queries; i++) {
                    long t0 = System.nanoTime();
                    List<Hit> hits = ix.search(qs[i], k, fan);
                    nanos[i] = System.nanoTime() - t0;
                    Set<String> t = truth.get(i);
                    recall += hits.stream().filter(h -> t.contains(h.path())).count() / (double) k;
                }
                System.out.printf(Locale.ROOT, "HNSW fan-out %4d: recall@%d %.4f, latency mean %.2f ms, p50 %.2f ms, p99 %.2f ms%n",
                        fan, k, recall / queries, mean(nanos), pct(nanos, 50), pct(nanos, 99));
            }
        }
    }

    private static void build(VectorIndex ix, ClusteredVectors gen, int from, int n, int threads) throws InterruptedException {
        System.out.printf(Locale.ROOT, "building: vectors %d..%d%n", from, n);
        long t0 = System.nanoTime();
        AtomicLong next = new AtomicLong(from);
        AtomicLong done = new AtomicLong(from);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                for (long i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    ix.put(new IndexedFile("v" + i, 0, 0, null, null), gen.vector(0, i));
                    long d = done.incrementAndGet();
                    if (d % 50_000 == 0) {
                        double s = (System.nanoTime() - t0) / 1e9;
                        System.out.printf(Locale.ROOT, "  %d vectors, %.0f s, %.0f vectors/s%n", d, s, (d - from) / s);
                    }
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        ix.commit();
        System.out.printf(Locale.ROOT, "built %d vectors in %.0f s (including the final flush and commit)%n", n - from,
                (System.nanoTime() - t0) / 1e9);
    }

    static double mean(long[] nanos) {
        return Arrays.stream(nanos).average().orElse(0) / 1e6;
    }

    static double pct(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e6;
    }
}
