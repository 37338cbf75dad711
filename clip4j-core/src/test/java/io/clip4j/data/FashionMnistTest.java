package io.clip4j.data;

import io.clip4j.image.DecodedImage;
import io.clip4j.image.ImageMode;
import io.clip4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IDX reader on generated files and the installed Fashion-MNIST. */
class FashionMnistTest {

    @TempDir
    Path tmp;

    private static byte[] idx(byte[] values, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
        b.put((byte) 0).put((byte) 0).put((byte) IdxFile.UNSIGNED_BYTE).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(values);
        return b.array();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(data);
        }
        return bos.toByteArray();
    }

    /** Three 2x3 images with pixel values i*10 + p and labels 9, 0, 4. */
    private Path writeSplit(String prefix, boolean gz) throws IOException {
        byte[] px = new byte[3 * 6];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) ((i / 6) * 10 + i % 6 + 200);
        }
        byte[] images = idx(px, 3, 2, 3);
        byte[] labels = idx(new byte[]{9, 0, 4}, 3);
        Path dir = Files.createDirectories(tmp.resolve("ds"));
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + (gz ? ".gz" : "")), gz ? gzip(images) : images);
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + (gz ? ".gz" : "")), gz ? gzip(labels) : labels);
        return dir;
    }

    @Test
    void readsPlainAndGzipFiles() throws IOException {
        Path dir = writeSplit("train", false);
        writeSplit("t10k", true);
        assertTrue(FashionMnist.available(dir));
        for (FashionMnist.Split s : FashionMnist.Split.values()) {
            FashionMnist ds = FashionMnist.load(dir, s);
            assertEquals(3, ds.size());
            assertEquals(2, ds.rows());
            assertEquals(3, ds.cols());
            assertArrayEquals(new int[]{9, 0, 4}, ds.labels());
            assertEquals("Ankle boot", ds.labelName(0));
            assertEquals("Coat", ds.labelName(2));
            assertArrayEquals(new byte[]{(byte) 210, (byte) 211, (byte) 212, (byte) 213, (byte) 214, (byte) 215},
                    ds.imageBytes(1));
            float[] f = ds.imageFloats(2);
            assertEquals(220 / 255f, f[0], 0f);
            Tensor all = ds.floats();
            assertArrayEquals(new int[]{3, 6}, all.shape());
            assertEquals(225 / 255f, all.get(2, 5), 0f);
            DecodedImage img = ds.image(1);
            assertEquals(ImageMode.L, img.mode());
            assertEquals(3, img.width());
            assertEquals(2, img.height());
            assertEquals(213, img.sample(0, 1, 0));
            assertEquals(2, ds.head(2).size());
            assertArrayEquals(ds.imageBytes(1), ds.head(2).imageBytes(1));
        }
    }

    @Test
    void reportsBrokenFilesByName() throws IOException {
        Path dir = writeSplit("train", false);
        Path images = dir.resolve("train-images-idx3-ubyte");
        Path labels = dir.resolve("train-labels-idx1-ubyte");

        byte[] full = Files.readAllBytes(images);
        Path truncated = tmp.resolve("truncated-idx3");
        Files.write(truncated, Arrays.copyOf(full, full.length - 1));
        assertMessage(truncated + ": truncated", () -> IdxFile.read(truncated));

        Path gzTruncated = tmp.resolve("truncated.gz");
        byte[] gz = gzip(full);
        Files.write(gzTruncated, Arrays.copyOf(gz, gz.length - 12));
        assertMessage(gzTruncated.toString(), () -> IdxFile.read(gzTruncated));

        Path notIdx = tmp.resolve("notes.txt");
        Files.writeString(notIdx, "hello world");
        assertMessage(notIdx + ": not an IDX file", () -> IdxFile.read(notIdx));

        Path floats = tmp.resolve("floats-idx");
        byte[] f = idx(new byte[8], 2);
        f[2] = 0x0d;
        Files.write(floats, f);
        assertMessage("value type 0xd is not supported", () -> IdxFile.read(floats));

        Path fewLabels = tmp.resolve("few-labels");
        Files.write(fewLabels, idx(new byte[]{1, 2}, 2));
        assertMessage("has 3 images but " + fewLabels + " has 2 labels", () -> FashionMnist.read(images, fewLabels));

        Path badLabel = tmp.resolve("bad-label");
        Files.write(badLabel, idx(new byte[]{1, 2, 10}, 3));
        assertMessage(badLabel + ": label 10 of item 2 is out of range 0..9", () -> FashionMnist.read(images, badLabel));

        assertMessage(labels + ": expected images [count, rows, cols]", () -> FashionMnist.read(labels, labels));
        assertMessage("no such file", () -> IdxFile.read(tmp.resolve("missing")));
        assertMessage("no t10k-images-idx3-ubyte or t10k-images-idx3-ubyte.gz",
                () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
    }

    @Test
    void readsTheInstalledDataSet() {
        Path dir = FashionMnist.defaultDir();
        assertTrue(FashionMnist.available(dir), "Fashion-MNIST is not installed in " + dir
                + " (Debian package dataset-fashion-mnist; .ci/run installs it)");
        FashionMnist train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        FashionMnist test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(28, train.rows());
        assertEquals(28, train.cols());
        int[] counts = new int[10];
        for (int y : train.labels()) {
            counts[y]++;
        }
        int[] expected = new int[10];
        Arrays.fill(expected, 6000);
        assertArrayEquals(expected, counts);
        // The first items of both files, as the published data set has them.
        assertArrayEquals(new int[]{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, Arrays.copyOf(train.labels(), 10));
        assertArrayEquals(new int[]{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, Arrays.copyOf(test.labels(), 10));
        long sum = 0;
        for (byte b : train.imageBytes(0)) {
            sum += b & 0xff;
        }
        assertEquals(76247, sum, "pixel sum of the first training image");
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        DatasetException ex = assertThrows(DatasetException.class, e);
        assertTrue(ex.getMessage().contains(expected), "message '" + ex.getMessage() + "' lacks '" + expected + "'");
    }
}
