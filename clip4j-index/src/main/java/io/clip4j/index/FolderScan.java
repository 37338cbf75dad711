package io.clip4j.index;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Finds the image files under some folders. Symbolic links are followed (a linked photo folder is
 * indexed), but a link back to one of its own ancestors is reported and not followed, so the walk
 * always ends. Folders that cannot be read are reported, and the caller keeps their previous entries
 * (an unreadable folder is not a deleted one).
 */
final class FolderScan {

    /** The file extensions indexed, compared case-insensitively. */
    static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp");

    /**
     * What a scan found.
     *
     * @param files              image files, sorted by path, each once
     * @param problems           files and folders that could not be read
     * @param unreadableFolders  folders whose content is unknown
     */
    record Result(List<FileStat> files, List<SkippedFile> problems, List<Path> unreadableFolders) {
    }

    private FolderScan() {
    }

    static boolean isImageName(Path p) {
        Path name = p.getFileName();
        if (name == null) {
            return false;
        }
        String n = name.toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Scans {@code roots} (absolute, normalised folders or image files), skipping the folder {@code exclude}
     * (the index itself, if it lies inside a root).
     */
    static Result scan(List<Path> roots, Path exclude) {
        Map<Path, FileStat> files = new LinkedHashMap<>();
        List<SkippedFile> problems = new ArrayList<>();
        List<Path> unreadable = new ArrayList<>();
        for (Path root : roots) {
            try {
                Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                        new SimpleFileVisitor<>() {
                            @Override
                            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                                return exclude != null && dir.equals(exclude) ? FileVisitResult.SKIP_SUBTREE
                                        : FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                                if (!isImageName(file)) {
                                    return FileVisitResult.CONTINUE;
                                }
                                if (attrs.isRegularFile()) {
                                    files.putIfAbsent(file, new FileStat(file, attrs.size(),
                                            attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
                                } else if (attrs.isSymbolicLink()) {
                                    problems.add(new SkippedFile(file.toString(), "broken symbolic link"));
                                }
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                                if (exc instanceof FileSystemLoopException) {
                                    problems.add(new SkippedFile(file.toString(),
                                            "symbolic link loop (links to one of its own parent folders), not followed"));
                                } else if (isImageName(file) && !Files.isDirectory(file)) {
                                    problems.add(new SkippedFile(file.toString(), "cannot read: " + reason(exc)));
                                } else {
                                    problems.add(new SkippedFile(file.toString(), "cannot read folder: " + reason(exc)));
                                    unreadable.add(file);
                                }
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                                if (exc != null) {
                                    problems.add(new SkippedFile(dir.toString(), "folder only partly read: " + reason(exc)));
                                    unreadable.add(dir);
                                }
                                return FileVisitResult.CONTINUE;
                            }
                        });
            } catch (IOException e) {
                problems.add(new SkippedFile(root.toString(), "cannot read folder: " + reason(e)));
                unreadable.add(root);
            }
        }
        List<FileStat> sorted = new ArrayList<>(files.values());
        sorted.sort(Comparator.comparing(FileStat::path));
        return new Result(sorted, problems, unreadable);
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
