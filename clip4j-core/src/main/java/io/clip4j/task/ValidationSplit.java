package io.clip4j.task;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A stratified random split of sample indices into training and validation parts: each class gives
 * about {@code fraction} of its samples to validation, at least one when it has two or more and never
 * all of them, so every class stays in the training part. Reproducible from the seed.
 *
 * @param train sorted indices of the training part
 * @param validation sorted indices of the validation part
 */
record ValidationSplit(int[] train, int[] validation) {

    static ValidationSplit stratified(int[] labels, int classes, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
        }
        int[] count = new int[classes];
        for (int y : labels) {
            count[y]++;
        }
        int[][] members = new int[classes][];
        int[] fill = new int[classes];
        for (int c = 0; c < classes; c++) {
            members[c] = new int[count[c]];
        }
        for (int i = 0; i < labels.length; i++) {
            members[labels[i]][fill[labels[i]]++] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] train = new int[labels.length];
        int[] val = new int[labels.length];
        int nt = 0;
        int nv = 0;
        for (int c = 0; c < classes; c++) {
            int[] m = members[c];
            for (int i = m.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = m[i];
                m[i] = m[j];
                m[j] = t;
            }
            int v = m.length < 2 ? 0 : (int) Math.max(1, Math.min(m.length - 1, Math.round(fraction * m.length)));
            for (int i = 0; i < m.length; i++) {
                if (i < v) {
                    val[nv++] = m[i];
                } else {
                    train[nt++] = m[i];
                }
            }
        }
        int[] t = Arrays.copyOf(train, nt);
        int[] v = Arrays.copyOf(val, nv);
        Arrays.sort(t);
        Arrays.sort(v);
        return new ValidationSplit(t, v);
    }
}
