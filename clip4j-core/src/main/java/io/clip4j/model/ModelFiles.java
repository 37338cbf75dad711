package io.clip4j.model;

import io.clip4j.weights.ModelFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The files of a model: its directory, the weights file it uses and its config files.
 *
 * <p>Which weights file a directory uses: {@code model.safetensors}, then a sharded
 * {@code model.safetensors.index.json}, then {@code open_clip_model.safetensors}, then
 * {@code pytorch_model.bin}, {@code model.pt}, {@code open_clip_pytorch_model.bin}; otherwise its only
 * weights file ({@code .safetensors}, {@code .bin}, {@code .pt}, {@code .pth}, {@code .ckpt}); several
 * candidates are an error that lists them. An explicit weights file overrides this.
 *
 * @param dir     the model directory (for a single weights file: the directory holding it)
 * @param weights the weights file to load
 */
public record ModelFiles(Path dir, Path weights) {

    private static final List<String> PREFERRED = List.of(
            "model.safetensors", "model.safetensors.index.json", "open_clip_model.safetensors",
            "pytorch_model.bin", "model.pt", "open_clip_pytorch_model.bin");

    /**
     * Resolves {@code model} (a directory or a weights file) and an optional {@code weights} override
     * (a file name inside the directory, or any path).
     */
    public static ModelFiles resolve(Path model, String weights) {
        if (!Files.exists(model)) {
            throw new ModelFormatException(model + ": no such model directory or file");
        }
        Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        if (weights != null && !weights.isBlank()) {
            Path w = Path.of(weights);
            Path inside = dir.resolve(weights);
            Path chosen = Files.isRegularFile(inside) ? inside : w;
            if (!Files.isRegularFile(chosen)) {
                throw new ModelFormatException(weights + ": no such weights file (looked in " + dir + " and as a path)");
            }
            return new ModelFiles(dir, chosen);
        }
        if (!Files.isDirectory(model)) {
            return new ModelFiles(dir, model);
        }
        for (String name : PREFERRED) {
            Path p = model.resolve(name);
            if (Files.isRegularFile(p)) {
                return new ModelFiles(dir, p);
            }
        }
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> s = Files.list(model)) {
            s.filter(Files::isRegularFile).filter(ModelFiles::looksLikeWeights).sorted().forEach(candidates::add);
        } catch (IOException e) {
            throw new UncheckedIOException(model + ": cannot list directory: " + e.getMessage(), e);
        }
        if (candidates.isEmpty()) {
            throw new ModelFormatException(model + ": no weights file found (expected model.safetensors, "
                    + "pytorch_model.bin, model.pt, open_clip_pytorch_model.bin or another .safetensors/.bin/.pt file)");
        }
        if (candidates.size() > 1) {
            throw new ModelFormatException(model + ": several weights files, choose one with --weights: "
                    + String.join(", ", candidates.stream().map(p -> p.getFileName().toString()).toList()));
        }
        return new ModelFiles(dir, candidates.getFirst());
    }

    private static boolean looksLikeWeights(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".safetensors") || n.endsWith(".bin") || n.endsWith(".pt") || n.endsWith(".pth")
                || n.endsWith(".ckpt");
    }

    /**
     * A short fingerprint of the weights: SHA-256 over the file's size and its first and last MiB
     * (all shards' for an index). Cheap for multi-GB files, and it changes with any retrained or
     * converted checkpoint; stored with indexes and saved classifiers to refuse a different model.
     */
    public String fingerprint() {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            List<Path> parts = new ArrayList<>();
            parts.add(weights);
            if (weights.getFileName().toString().endsWith(".index.json")) {
                try (Stream<Path> s = Files.list(weights.toAbsolutePath().getParent())) {
                    s.filter(p -> p.getFileName().toString().endsWith(".safetensors")
                            || p.getFileName().toString().endsWith(".bin")).sorted().forEach(parts::add);
                }
            }
            for (Path p : parts) {
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p)) {
                    long size = ch.size();
                    md.update(Long.toString(size).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    int chunk = 1 << 20;
                    java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate((int) Math.min(chunk, size));
                    ch.read(head, 0);
                    md.update(head.flip());
                    if (size > chunk) {
                        java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate((int) Math.min(chunk, size - chunk));
                        ch.read(tail, size - tail.capacity());
                        md.update(tail.flip());
                    }
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest()).substring(0, 32);
        } catch (IOException e) {
            throw new UncheckedIOException(weights + ": cannot read: " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A file next to the weights (config.json, tokenizer files), or null if absent. */
    public Path sibling(String name) {
        Path p = dir.resolve(name);
        return Files.isRegularFile(p) ? p : null;
    }
}
