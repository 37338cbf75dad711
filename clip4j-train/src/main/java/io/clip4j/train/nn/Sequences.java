package io.clip4j.train.nn;

/**
 * How the rows of a transformer's input form sequences: {@code batch} sequences of {@code len} rows each,
 * or sequences of different lengths stored one after another ({@link #packed}), which wastes no compute
 * on padding.
 *
 * @param batch   number of sequences
 * @param len     the common length (0 when packed)
 * @param starts  first row of each sequence (packed), or null
 * @param lengths length of each sequence (packed), or null
 */
public record Sequences(int batch, int len, int[] starts, int[] lengths) {

    public static Sequences uniform(int batch, int len) {
        return new Sequences(batch, len, null, null);
    }

    /** Sequences of the given lengths, one after another. */
    public static Sequences packed(int[] lengths) {
        int[] starts = new int[lengths.length];
        int r = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 1) {
                throw new IllegalArgumentException("sequence " + i + " is empty");
            }
            starts[i] = r;
            r += lengths[i];
        }
        return new Sequences(lengths.length, 0, starts, lengths.clone());
    }

    public boolean isPacked() {
        return starts != null;
    }

    /** Total rows. */
    public int rows() {
        return isPacked() ? starts[batch - 1] + lengths[batch - 1] : batch * len;
    }
}
