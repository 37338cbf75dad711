package io.clip4j.train.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Patch dropout (FLIP, Li et al. 2023; open_clip's {@code patch_dropout}): while training, every image keeps
 * only a random {@code 1 - rate} of its patch tokens, plus its class token. The image tower then costs about
 * {@code 1 - rate} as much per image, and the random masking regularises like an augmentation. Inference
 * always sees every patch. The kept patches of a step are a function of {@code seed} alone, so a resumed run
 * drops the same patches as an uninterrupted one.
 *
 * @param rate fraction of patch tokens dropped, in [0, 1)
 * @param seed seed of this forward pass's choice
 */
public record PatchDropout(double rate, long seed) {

    /** No dropout: every patch is kept. */
    public static final PatchDropout OFF = new PatchDropout(0, 0);

    public PatchDropout {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("patch_dropout must be in [0, 1), got " + rate);
        }
    }

    public boolean active() {
        return rate > 0;
    }

    /** Patches kept of {@code patches}: {@code max(1, int(patches * (1 - rate)))}, as open_clip counts them. */
    public int kept(int patches) {
        return active() ? Math.max(1, (int) (patches * (1 - rate))) : patches;
    }

    /** The kept patch indices of each image, ascending: {@code [batch][kept(patches)]}. */
    public int[][] choose(int batch, int patches) {
        int keep = kept(patches);
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] out = new int[batch][];
        int[] perm = new int[patches];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < patches; i++) {
                perm[i] = i;
            }
            // partial Fisher-Yates: the first `keep` slots become a uniform random subset
            for (int i = 0; i < keep; i++) {
                int j = i + rnd.nextInt(patches - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            int[] k = Arrays.copyOf(perm, keep);
            Arrays.sort(k);
            out[b] = k;
        }
        return out;
    }
}
