package io.clip4j.index;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

import java.io.IOException;

/**
 * Lucene's HNSW vector format (full-precision float32 vectors plus the graph), with the dimension limit
 * raised from Lucene's default of {@value KnnVectorsFormat#DEFAULT_MAX_DIMENSIONS} to {@value #MAX_DIMENSIONS}
 * so that SigLIP SO400M (1152), ViT-bigG (1280) and wider embeddings can be indexed.
 *
 * <p>The on-disk files are exactly those of {@link Lucene99HnswVectorsFormat}: the limit is only a check
 * that Lucene's indexing chain makes against {@link #getMaxDimensions}, which is why this class delegates
 * rather than re-implementing anything (the Lucene format is final). The format is written into each
 * segment under the name {@value #NAME} and found again through {@link java.util.ServiceLoader} when the
 * index is opened, so it is registered in {@code META-INF/services/org.apache.lucene.codecs.KnnVectorsFormat}.
 * Reading needs no parameters: the no-argument constructor is the one the service loader uses.
 */
public final class WideHnswVectorsFormat extends KnnVectorsFormat {

    /** The name stored in the index for fields written with this format. */
    public static final String NAME = "Clip4jHnsw";
    /** The widest vector accepted. */
    public static final int MAX_DIMENSIONS = 4096;

    private final HnswParams params;
    private final KnnVectorsFormat delegate;

    /** Lucene's default graph parameters (used by the service loader, which only reads). */
    public WideHnswVectorsFormat() {
        this(HnswParams.DEFAULT);
    }

    /** A format that builds graphs with {@code params}. */
    public WideHnswVectorsFormat(HnswParams params) {
        super(NAME);
        this.params = params;
        this.delegate = params.mergeWorkers() > 1
                ? new Lucene99HnswVectorsFormat(params.maxConn(), params.beamWidth(), params.mergeWorkers(),
                        MergeExecutor.get())
                : new Lucene99HnswVectorsFormat(params.maxConn(), params.beamWidth());
    }

    /** The graph parameters new segments are built with. */
    public HnswParams params() {
        return params;
    }

    @Override
    public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
        return delegate.fieldsWriter(state);
    }

    @Override
    public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
        return delegate.fieldsReader(state);
    }

    @Override
    public int getMaxDimensions(String fieldName) {
        return MAX_DIMENSIONS;
    }

    @Override
    public String toString() {
        return NAME + "(maxConn=" + params.maxConn() + ", beamWidth=" + params.beamWidth() + ")";
    }
}
