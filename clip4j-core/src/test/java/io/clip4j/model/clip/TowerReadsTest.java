package io.clip4j.model.clip;

import io.clip4j.model.ModelFiles;
import io.clip4j.tensor.Activation;
import io.clip4j.weights.DType;
import io.clip4j.weights.TensorInfo;
import io.clip4j.weights.WeightFile;
import io.clip4j.weights.WeightFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Building one tower reads that tower's tensors and nothing else (an image-only user never pages in the text tower). */
class TowerReadsTest {

    @TempDir
    Path tmp;

    /** Records every tensor whose bytes are asked for (values are read through {@link #bytes}). */
    private static final class Recording implements WeightFile {
        final WeightFile file;
        final Set<String> read = ConcurrentHashMap.newKeySet();

        Recording(WeightFile file) {
            this.file = file;
        }

        @Override
        public Path path() {
            return file.path();
        }

        @Override
        public List<TensorInfo> tensors() {
            return file.tensors();
        }

        @Override
        public TensorInfo info(String name) {
            return file.info(name);
        }

        @Override
        public MemorySegment bytes(String name) {
            read.add(name);
            return file.bytes(name);
        }

        @Override
        public Map<String, String> metadata() {
            return file.metadata();
        }

        @Override
        public void close() {
            file.close();
        }
    }

    @Test
    void eachTowerReadsOnlyItsOwnTensors() {
        for (ClipConfig.Layout layout : ClipConfig.Layout.values()) {
            for (DType dtype : new DType[]{DType.F32, DType.F16}) {
                ClipConfig cfg = ClipVariantsTest.vit(16, 32, 32, 3, 16, 2, 64, Activation.QUICK_GELU,
                        ClipVariantsTest.text(100, 12, 24, 2, 2, 48, Activation.QUICK_GELU), layout);
                Path dir = tmp.resolve(layout + "-" + dtype);
                SyntheticClip.write(cfg, 5, dtype, dir);
                ModelFiles files = ModelFiles.resolve(dir, null);
                String where = layout + " " + dtype;
                boolean hf = layout == ClipConfig.Layout.HF;
                try (Recording w = new Recording(WeightFiles.open(files.weights()))) {
                    ClipCheckpoint ckpt = ClipCheckpoint.read(files, w);
                    Set<String> opened = new TreeSet<>(w.read);
                    ckpt.buildVit();
                    Set<String> visual = w.tensors().stream().map(TensorInfo::name)
                            .filter(n -> hf ? n.startsWith("vision_model.") || n.startsWith("visual_projection.")
                                    : n.startsWith("visual."))
                            .filter(n -> !n.endsWith("position_ids"))
                            .collect(Collectors.toCollection(TreeSet::new));
                    Set<String> image = new TreeSet<>(w.read);
                    image.removeAll(opened);
                    assertEquals(visual, image, where + ": the image tower reads exactly its tensors");
                    assertTrue(opened.stream().allMatch(n -> n.equals("logit_scale")),
                            where + ": opening reads no tower: " + opened);
                    w.read.clear();
                    ckpt.buildText();
                    assertTrue(w.read.stream().noneMatch(visual::contains), where + ": the text tower reads no image tensor");
                }
            }
        }
    }
}
