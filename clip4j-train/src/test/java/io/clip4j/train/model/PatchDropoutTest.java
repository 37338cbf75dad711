package io.clip4j.train.model;

import io.clip4j.train.autograd.Backend;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Patch dropout (FLIP / open_clip's {@code patch_dropout}) in the trainable ViT. */
class PatchDropoutTest {

    private static final int S = 28;

    @Test
    void keepsOpenClipsCountOfDistinctAscendingPatchesDeterministically() {
        PatchDropout d = new PatchDropout(0.5, 42);
        assertEquals(24, d.kept(49)); // max(1, int(49 * 0.5))
        assertEquals(1, new PatchDropout(0.99, 1).kept(16));
        assertEquals(49, PatchDropout.OFF.kept(49));
        int[][] a = d.choose(64, 49);
        assertEquals(64, a.length);
        boolean allSame = true;
        for (int[] k : a) {
            assertEquals(24, k.length);
            for (int j = 0; j < k.length; j++) {
                assertTrue(k[j] >= 0 && k[j] < 49);
                if (j > 0) {
                    assertTrue(k[j] > k[j - 1], "ascending and distinct");
                }
            }
            allSame &= Arrays.equals(k, a[0]);
        }
        assertFalse(allSame, "images drop different patches");
        assertTrue(Arrays.deepEquals(a, new PatchDropout(0.5, 42).choose(64, 49)), "same seed, same patches");
        assertFalse(Arrays.deepEquals(a, new PatchDropout(0.5, 43).choose(64, 49)));
        // every patch is kept about half the time
        int[] counts = new int[49];
        for (int[] k : new PatchDropout(0.5, 7).choose(4000, 49)) {
            for (int p : k) {
                counts[p]++;
            }
        }
        for (int c : counts) {
            assertTrue(Math.abs(c - 4000 * 24 / 49.0) < 200, "patch kept " + c + " times of 4000");
        }
        assertThrows(IllegalArgumentException.class, () -> new PatchDropout(1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> new PatchDropout(-0.1, 0));
    }

    @Test
    void keepingEveryPatchThroughTheDropoutPathEqualsTheFullForwardAndGradients() {
        ContrastiveModel model = ModelFactory.create(ModelSpec.clip(Architectures.fashionTiny()), 3, n -> false);
        VisionTransformer vit = (VisionTransformer) model.visual();
        float[] px = pixels(3, 1);
        int[][] all = new int[3][vit.patches()];
        for (int[] k : all) {
            Arrays.setAll(k, i -> i);
        }
        Map<String, float[]> full = new HashMap<>();
        float[] a = outputAndGrads(model, full, t -> vit.forward(t, px, 3, null));
        Map<String, float[]> gathered = new HashMap<>();
        float[] b = outputAndGrads(model, gathered, t -> vit.forward(t, px, 3, all));
        assertArrayEquals(a, b, 1e-6f);
        for (String k : full.keySet()) {
            assertArrayEquals(full.get(k), gathered.get(k), 1e-6f, k);
        }
    }

    @Test
    void droppedPatchesDoNotInfluenceTheOutputAndKeptOnesDo() {
        ContrastiveModel model = ModelFactory.create(ModelSpec.clip(Architectures.fashionTiny()), 4, n -> false);
        VisionTransformer vit = (VisionTransformer) model.visual();
        int grid = (int) Math.round(Math.sqrt(vit.patches()));
        int patch = S / grid;
        PatchDropout d = new PatchDropout(0.5, 9);
        int[] kept = d.choose(1, vit.patches())[0];
        int dropped = 0;
        while (Arrays.binarySearch(kept, dropped) >= 0) {
            dropped++;
        }
        model.setPatchDropout(d);
        float[] px = pixels(1, 2);
        float[] base = forward(vit, px);
        assertArrayEquals(base, forward(vit, withPatchChanged(px, dropped, grid, patch)), 0f);
        float[] moved = forward(vit, withPatchChanged(px, kept[0], grid, patch));
        assertNotEquals(Arrays.toString(base), Arrays.toString(moved));
        model.setPatchDropout(PatchDropout.OFF);
        assertNotEquals(Arrays.toString(forward(vit, px)),
                Arrays.toString(forward(vit, withPatchChanged(px, dropped, grid, patch))), "without dropout every patch counts");
    }

    @Test
    void towersWithoutPatchesRefuseIt() {
        ContrastiveModel rn = ModelFactory.load(io.clip4j.train.Fixtures.fixture("clip-rn-openai-tiny"), n -> false);
        assertThrows(IllegalArgumentException.class, () -> rn.setPatchDropout(new PatchDropout(0.5, 0)));
    }

    private static float[] forward(VisionTransformer vit, float[] px) {
        return vit.forward(Tape.noGrad(Backend.precise()), px, 1).data().clone();
    }

    private static float[] withPatchChanged(float[] px, int patchIndex, int grid, int patch) {
        float[] out = px.clone();
        int py = patchIndex / grid;
        int pxx = patchIndex % grid;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < patch; y++) {
                for (int x = 0; x < patch; x++) {
                    out[(c * S + py * patch + y) * S + pxx * patch + x] += 1.5f;
                }
            }
        }
        return out;
    }

    private static float[] pixels(int batch, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] px = new float[batch * 3 * S * S];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rnd.nextGaussian();
        }
        return px;
    }

    private static float[] outputAndGrads(ContrastiveModel model, Map<String, float[]> grads,
                                          java.util.function.Function<Tape, Variable> f) {
        model.parameters().zeroGrad();
        Tape tape = Tape.create(Backend.precise());
        Variable y = f.apply(tape);
        float[] w = new float[y.size()];
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        tape.backward(y, w);
        for (Parameter p : model.parameters().parameters()) {
            float[] g = p.value().grad();
            if (g != null) {
                grads.put(p.name(), g.clone());
            }
        }
        return y.data().clone();
    }
}
