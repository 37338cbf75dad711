package io.clip4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listing labelled images from ImageFolder layouts and CSV files (nothing is decoded). */
class LabelledImagesTest {

    @TempDir
    Path tmp;

    private Path touch(String rel) throws IOException {
        Path p = tmp.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "x");
        return p;
    }

    @Test
    void listsAnImageFolderSortedWithNestedFilesAndWithoutHiddenOrNonImageFiles() throws IOException {
        touch("root/dog/b.JPG");
        touch("root/dog/a.png");
        touch("root/dog/more/c.webp");
        touch("root/dog/.thumbs/d.png");
        touch("root/dog/notes.txt");
        touch("root/cat/z.jpeg");
        touch("root/.git/x.png");
        touch("root/readme.md");
        LabelledImages d = LabelledImages.load(tmp.resolve("root"));
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertEquals(List.of(tmp.resolve("root/cat/z.jpeg"), tmp.resolve("root/dog/a.png"), tmp.resolve("root/dog/b.JPG"),
                tmp.resolve("root/dog/more/c.webp")), d.files());
        assertArrayEquals(new int[]{0, 1, 1, 1}, d.labels());
        assertEquals(4, d.size());
    }

    @Test
    void readsCsvWithHeaderQuotesAndRelativePaths() throws IOException {
        Path csv = tmp.resolve("data/labels.csv");
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, "\uFEFFpath,label\n"
                + "img/1.png,zebra\n"
                + "\"img/with, comma.png\",\"ant \"\"big\"\"\"\n"
                + "\n"
                + "/abs/2.png , zebra\n");
        LabelledImages d = LabelledImages.load(csv);
        assertEquals(List.of("ant \"big\"", "zebra"), d.classNames());
        assertEquals(List.of(tmp.resolve("data/img/with, comma.png"), Path.of("/abs/2.png"), tmp.resolve("data/img/1.png")),
                d.files());
        assertArrayEquals(new int[]{0, 1, 1}, d.labels());

        Path noHeader = tmp.resolve("plain.csv");
        Files.writeString(noHeader, "a.png,x\nb.png,y\n");
        assertEquals(List.of("x", "y"), LabelledImages.load(noHeader).classNames());
    }

    @Test
    void explainsBadListings() throws IOException {
        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, "path,label\na.png,x,extra\n");
        assertMessage(csv + ":2: expected 2 fields (path,label), got 3", () -> LabelledImages.load(csv));
        Files.writeString(csv, "a.png,\n");
        assertMessage(csv + ":1: empty label", () -> LabelledImages.load(csv));
        Files.writeString(csv, "\"a.png,x\n");
        assertMessage(csv + ":1: unterminated quoted field", () -> LabelledImages.load(csv));
        Files.writeString(csv, "path,label\n");
        assertMessage(csv + ": no path,label rows", () -> LabelledImages.load(csv));
        assertMessage("no such folder or CSV file", () -> LabelledImages.load(tmp.resolve("nothing")));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertMessage("no class subfolders", () -> LabelledImages.load(empty));
        touch("onlytext/cls/readme.txt");
        assertMessage("cls: class folder without images", () -> LabelledImages.load(tmp.resolve("onlytext")));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        DatasetException ex = assertThrows(DatasetException.class, e);
        assertTrue(ex.getMessage().contains(expected), "message '" + ex.getMessage() + "' lacks '" + expected + "'");
    }
}
