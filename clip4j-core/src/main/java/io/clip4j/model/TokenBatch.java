package io.clip4j.model;

/**
 * Token ids for a batch of texts, row-major {@code [batch, length]}, with an optional attention mask
 * (1 = token, 0 = padding).
 */
public record TokenBatch(long[] ids, long[] attentionMask, int batch, int length) {

    public TokenBatch {
        if (ids.length != (long) batch * length) {
            throw new IllegalArgumentException("ids hold " + ids.length + " values, expected " + batch + " x " + length);
        }
        if (attentionMask != null && attentionMask.length != ids.length) {
            throw new IllegalArgumentException("attention mask must have the shape of the ids");
        }
    }

    /** Stacks per-text rows of equal length; the mask marks every position up to the first trailing zero run. */
    public static TokenBatch of(long[][] rows) {
        int batch = rows.length;
        int len = batch == 0 ? 0 : rows[0].length;
        long[] ids = new long[batch * len];
        for (int b = 0; b < batch; b++) {
            if (rows[b].length != len) {
                throw new IllegalArgumentException("token rows have different lengths");
            }
            System.arraycopy(rows[b], 0, ids, b * len, len);
        }
        return new TokenBatch(ids, null, batch, len);
    }
}
