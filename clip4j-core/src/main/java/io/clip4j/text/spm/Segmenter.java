package io.clip4j.text.spm;

/** A segmentation algorithm: splits a normalized string into vocabulary pieces ({@code ModelInterface::Encode}). */
interface Segmenter {

    /** The pieces of {@code normalized}, in order, covering it exactly; unknown spans carry the unknown id. */
    Segments segment(byte[] normalized);
}
