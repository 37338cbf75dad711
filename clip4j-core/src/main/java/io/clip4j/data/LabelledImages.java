package io.clip4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Image files with class labels, listed from an ImageFolder layout or a CSV file. Nothing is decoded
 * here: files that turn out to be unreadable are the caller's to skip.
 *
 * <ul>
 *   <li>ImageFolder (as torchvision's): one subfolder per class, named after it; every file with an image
 *       extension ({@link #IMAGE_EXTENSIONS}) below it, at any depth, belongs to that class. Hidden files
 *       and folders are ignored.</li>
 *   <li>CSV: rows {@code path,label}, paths relative to the CSV's folder (or absolute); an optional header
 *       row {@code path,label}; fields may be double-quoted (RFC 4180).</li>
 * </ul>
 * Classes are sorted by name, so label indices do not depend on the file system's order.
 *
 * @param files      the image files, sorted by class, then path
 * @param labels     the class index of every file
 * @param classNames the classes, sorted
 */
public record LabelledImages(List<Path> files, int[] labels, List<String> classNames) {

    /** File extensions (lower case) treated as images in an ImageFolder. */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp");

    public LabelledImages {
        files = List.copyOf(files);
        labels = labels.clone();
        classNames = List.copyOf(classNames);
        if (files.size() != labels.length) {
            throw new IllegalArgumentException(files.size() + " files but " + labels.length + " labels");
        }
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    /** Number of files. */
    public int size() {
        return files.size();
    }

    /** An ImageFolder directory or a CSV file, whichever {@code path} is. */
    public static LabelledImages load(Path path) {
        if (Files.isDirectory(path)) {
            return fromFolder(path);
        }
        if (Files.isRegularFile(path)) {
            return fromCsv(path);
        }
        throw new DatasetException(path + ": no such folder or CSV file");
    }

    /** Lists an ImageFolder layout: {@code root/<class>/**&#47;<image>}. */
    public static LabelledImages fromFolder(Path root) {
        Objects.requireNonNull(root, "root");
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root + ": not a folder");
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList();
        } catch (IOException e) {
            throw new DatasetException(root + ": cannot list (" + e.getMessage() + ")", e);
        }
        if (classDirs.isEmpty()) {
            throw new DatasetException(root + ": no class subfolders (expected one folder per class with its images)");
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path dir : classDirs) {
            List<Path> images;
            try (Stream<Path> s = Files.walk(dir)) {
                images = s.filter(Files::isRegularFile)
                        .filter(p -> !hiddenBelow(dir, p) && IMAGE_EXTENSIONS.contains(extension(p)))
                        .sorted().toList();
            } catch (IOException e) {
                throw new DatasetException(dir + ": cannot list (" + e.getMessage() + ")", e);
            }
            if (images.isEmpty()) {
                throw new DatasetException(dir + ": class folder without images ("
                        + String.join(", ", new TreeSet<>(IMAGE_EXTENSIONS)) + ")");
            }
            int label = names.size();
            names.add(dir.getFileName().toString());
            for (Path p : images) {
                files.add(p);
                labels.add(label);
            }
        }
        return new LabelledImages(files, labels.stream().mapToInt(Integer::intValue).toArray(), names);
    }

    /** Reads {@code path,label} rows; relative paths are resolved against the CSV's folder. */
    public static LabelledImages fromCsv(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException(csv + ": cannot read (" + e.getMessage() + ")", e);
        }
        Path base = csv.toAbsolutePath().getParent();
        List<Path> paths = new ArrayList<>();
        List<String> labelNames = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = parseCsvLine(line, csv, i + 1);
            if (fields.size() != 2) {
                throw new DatasetException(csv + ":" + (i + 1) + ": expected 2 fields (path,label), got " + fields.size());
            }
            String path = fields.get(0).strip();
            String label = fields.get(1).strip();
            if (paths.isEmpty() && labelNames.isEmpty() && path.equalsIgnoreCase("path") && label.equalsIgnoreCase("label")) {
                continue;
            }
            if (path.isEmpty() || label.isEmpty()) {
                throw new DatasetException(csv + ":" + (i + 1) + ": empty " + (path.isEmpty() ? "path" : "label"));
            }
            paths.add(base.resolve(path).normalize());
            labelNames.add(label);
        }
        if (paths.isEmpty()) {
            throw new DatasetException(csv + ": no path,label rows");
        }
        Map<String, Integer> index = new TreeMap<>();
        for (String l : labelNames) {
            index.put(l, 0);
        }
        List<String> names = new ArrayList<>(index.keySet());
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        // Sorted by class, then path, as for folders.
        Integer[] order = new Integer[paths.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Integer.compare(index.get(labelNames.get(a)), index.get(labelNames.get(b)));
            return c != 0 ? c : paths.get(a).compareTo(paths.get(b));
        });
        List<Path> files = new ArrayList<>();
        int[] labels = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            files.add(paths.get(order[i]));
            labels[i] = index.get(labelNames.get(order[i]));
        }
        return new LabelledImages(files, labels, names);
    }

    /** One CSV record on one line: comma-separated, fields optionally in double quotes ("" = a quote). */
    static List<String> parseCsvLine(String line, Path csv, int lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int i = 0;
        while (true) {
            cur.setLength(0);
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new DatasetException(csv + ":" + lineNo + ": unterminated quoted field");
                    }
                    char ch = line.charAt(i++);
                    if (ch == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            cur.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        cur.append(ch);
                    }
                }
                if (i < line.length() && line.charAt(i) != ',') {
                    throw new DatasetException(csv + ":" + lineNo + ": text after a closing quote");
                }
            } else {
                while (i < line.length() && line.charAt(i) != ',') {
                    cur.append(line.charAt(i++));
                }
            }
            out.add(cur.toString());
            if (i >= line.length()) {
                return out;
            }
            i++; // the comma
        }
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean hiddenBelow(Path dir, Path p) {
        for (Path part : dir.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelledImages other && files.equals(other.files)
                && java.util.Arrays.equals(labels, other.labels) && classNames.equals(other.classNames);
    }

    @Override
    public int hashCode() {
        return files.hashCode() * 31 + java.util.Arrays.hashCode(labels);
    }
}
