package io.clip4j.index;

/**
 * How the HNSW graph of an index is built.
 *
 * @param maxConn      neighbours kept per node ({@code M}); more costs memory and build time, gains recall
 * @param beamWidth    candidates considered while inserting a node ({@code efConstruction})
 * @param mergeWorkers threads that rebuild graphs when segments merge (1: the merging thread alone)
 */
public record HnswParams(int maxConn, int beamWidth, int mergeWorkers) {

    /** Lucene's defaults: M = 16, beam width 100, merges on one thread. */
    public static final HnswParams DEFAULT = new HnswParams(16, 100, 1);

    public HnswParams {
        if (maxConn < 2 || maxConn > 512) {
            throw new IllegalArgumentException("HNSW maxConn must be in [2, 512], got " + maxConn);
        }
        if (beamWidth < 1 || beamWidth > 3200) {
            throw new IllegalArgumentException("HNSW beamWidth must be in [1, 3200], got " + beamWidth);
        }
        if (mergeWorkers < 1) {
            throw new IllegalArgumentException("HNSW mergeWorkers must be at least 1, got " + mergeWorkers);
        }
    }
}
