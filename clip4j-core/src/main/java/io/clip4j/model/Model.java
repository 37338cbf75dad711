package io.clip4j.model;

/** Any loaded clip4j model. Close it to release the mapped checkpoint. */
public interface Model extends AutoCloseable {

    /** {@code clip}, {@code siglip} or {@code vit}. */
    String family();

    /** The files it was loaded from. */
    ModelFiles files();

    /** A one-line human description (family, layout, tower shapes). */
    String describe();

    @Override
    void close();
}
