package io.clip4j.index;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The model an index's vectors come from. Vectors of different models live in unrelated spaces, so an
 * index records this when it is created and refuses to be queried or updated with any other model.
 *
 * @param fingerprint the model's weights fingerprint ({@code ModelFiles.fingerprint()})
 * @param family      {@code clip} or {@code siglip} (or any label for vectors from elsewhere)
 * @param dimension   the vector width
 * @param name        a human name for messages (e.g. the model directory's name); not compared
 */
public record IndexIdentity(String fingerprint, String family, int dimension, String name) {

    static final String KEY_FINGERPRINT = "clip4j.model.fingerprint";
    static final String KEY_FAMILY = "clip4j.model.family";
    static final String KEY_DIMENSION = "clip4j.model.dimension";
    static final String KEY_NAME = "clip4j.model.name";
    static final String KEY_FORMAT = "clip4j.index.format";
    static final String FORMAT_VERSION = "1";

    public IndexIdentity {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(family, "family");
        name = name == null ? "" : name;
        if (dimension < 1 || dimension > WideHnswVectorsFormat.MAX_DIMENSIONS) {
            throw new IllegalArgumentException("vector dimension must be in [1, " + WideHnswVectorsFormat.MAX_DIMENSIONS
                    + "], got " + dimension);
        }
    }

    /** Whether vectors of {@code other} can be compared with this index's (the name is not compared). */
    public boolean sameModel(IndexIdentity other) {
        return fingerprint.equals(other.fingerprint) && family.equals(other.family) && dimension == other.dimension;
    }

    /** For messages: {@code 'name' (clip, 512-d, fingerprint 1a2b3c4d…)}. */
    public String describe() {
        return "'" + name + "' (" + family + ", " + dimension + "-d, fingerprint "
                + fingerprint.substring(0, Math.min(12, fingerprint.length())) + ")";
    }

    Map<String, String> toCommitData() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_FORMAT, FORMAT_VERSION);
        m.put(KEY_FINGERPRINT, fingerprint);
        m.put(KEY_FAMILY, family);
        m.put(KEY_DIMENSION, Integer.toString(dimension));
        m.put(KEY_NAME, name);
        return m;
    }

    /** The identity recorded in a commit, or null if the commit is not a clip4j index's. */
    static IndexIdentity fromCommitData(Map<String, String> data) {
        String fp = data.get(KEY_FINGERPRINT);
        String family = data.get(KEY_FAMILY);
        String dim = data.get(KEY_DIMENSION);
        if (fp == null || family == null || dim == null) {
            return null;
        }
        try {
            return new IndexIdentity(fp, family, Integer.parseInt(dim), data.get(KEY_NAME));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
