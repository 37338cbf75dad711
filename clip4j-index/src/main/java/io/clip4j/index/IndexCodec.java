package io.clip4j.index;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;

/**
 * Lucene's current codec, with vector fields written by {@link WideHnswVectorsFormat}. Segments still
 * record the standard codec name; the per-field vector format records its own name, so reading needs
 * nothing but the format's service registration.
 */
final class IndexCodec extends Lucene104Codec {

    private final WideHnswVectorsFormat vectors;

    IndexCodec(HnswParams params) {
        this.vectors = new WideHnswVectorsFormat(params);
    }

    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return vectors;
    }
}
