package io.clip4j.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** The {@code k} best-scoring global document ids seen; ties go to the smaller id, so results are deterministic. */
final class TopK {

    /** A scored document of the whole reader. */
    record Scored(int doc, double score) {
    }

    private static final Comparator<Scored> WORST_FIRST =
            Comparator.comparingDouble(Scored::score).thenComparing(Scored::doc, Comparator.reverseOrder());

    private final int k;
    private final PriorityQueue<Scored> heap;

    TopK(int k) {
        this.k = k;
        this.heap = new PriorityQueue<>(Math.max(1, k), WORST_FIRST);
    }

    void offer(int doc, double score) {
        if (heap.size() < k) {
            heap.add(new Scored(doc, score));
        } else if (WORST_FIRST.compare(new Scored(doc, score), heap.peek()) > 0) {
            heap.poll();
            heap.add(new Scored(doc, score));
        }
    }

    void addAll(TopK other) {
        for (Scored s : other.heap) {
            offer(s.doc(), s.score());
        }
    }

    /** Best first. */
    List<Scored> best() {
        List<Scored> out = new ArrayList<>(heap);
        out.sort(WORST_FIRST.reversed());
        return out;
    }
}
