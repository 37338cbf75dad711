package io.clip4j.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kill -9} during an update loses nothing committed, and the next update completes the rest. */
class KillRecoveryTest {

    @Test
    void killedUpdateResumes(@TempDir Path tmp) throws Exception {
        int n = 200;
        Path photos = tmp.resolve("photos");
        TestImages.writeFolder(photos, n, 9);
        Path index = tmp.resolve("index");

        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                IndexChild.class.getName(), TestImages.tinyModel().toString(), index.toString(), photos.toString()));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        int committed = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        try {
            // wait for a few commits, then kill without warning
            while (committed < 40 && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(100);
                committed = committedCount(index);
            }
            assertTrue(child.isAlive(), "the child finished before it could be killed: " + Files.readString(tmp.resolve("child.log")));
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no final commit
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        int survived = committedCount(index);
        assertTrue(survived >= 40 && survived < n, "committed entries survive: " + survived);
        Map<String, IndexedFile> kept;
        try (VectorIndex v = VectorIndex.open(index, VectorIndex.readIdentity(index), VectorIndex.Mode.READ, HnswParams.DEFAULT)) {
            kept = v.entries();
            assertEquals(survived, v.size());
        }

        try (var model = io.clip4j.model.Models.loadEmbedding(TestImages.tinyModel(), null, io.clip4j.tensor.Kernels.get());
             ImageIndex ix = ImageIndex.openOrCreate(index, model)) {
            UpdateResult r = ix.update(List.of(photos), UpdateOptions.defaults(), null);
            assertEquals(survived, r.unchanged(), "what was committed is not redone");
            assertEquals(n - survived, r.added(), "the rest is completed");
            assertEquals(0, r.skipped());
            assertEquals(n, ix.size());
            for (String p : kept.keySet()) {
                assertEquals(kept.get(p), ix.vectors().entries().get(p));
            }
        }
    }

    private static int committedCount(Path index) {
        if (!Files.exists(index)) {
            return 0;
        }
        try (VectorIndex v = VectorIndex.open(index, VectorIndex.readIdentity(index), VectorIndex.Mode.READ, HnswParams.DEFAULT)) {
            return v.size();
        } catch (IndexException e) {
            return 0; // not created yet
        }
    }
}
