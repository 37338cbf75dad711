package io.clip4j.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A captions file: which image (a path relative to the image folder) goes with which caption. Formats:
 * <ul>
 *   <li>CSV (RFC 4180 quoting) with a header naming an image column ({@code image}, {@code file},
 *   {@code filename}, {@code filepath}, {@code path}) and a caption column ({@code caption}, {@code text},
 *   {@code title});</li>
 *   <li>JSON lines ({@code .jsonl}): objects with an image key (as above) and {@code caption} / {@code text}
 *   (a string), or {@code captions} (a list: one pair per caption).</li>
 * </ul>
 * An image may appear on several rows (several captions).
 */
public final class CaptionFile {

    /** One image–caption pair. */
    public record Pair(String image, String caption) {
    }

    private static final Set<String> IMAGE_KEYS = Set.of("image", "file", "filename", "filepath", "path", "image_path");
    private static final Set<String> CAPTION_KEYS = Set.of("caption", "text", "title");

    private CaptionFile() {
    }

    /** Reads a {@code .csv} or {@code .jsonl} (also {@code .json} lines) file. */
    public static List<Pair> read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Pair> pairs = name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")
                ? jsonl(text, file) : csv(text, file);
        if (pairs.isEmpty()) {
            throw new IOException(file + ": no image-caption pairs");
        }
        return pairs;
    }

    static List<Pair> jsonl(String text, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Pair> out = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (IOException e) {
                throw new IOException(file + ":" + (i + 1) + ": not a JSON object: " + e.getMessage().lines().findFirst().orElse(""), e);
            }
            if (n == null || !n.isObject()) {
                throw new IOException(file + ":" + (i + 1) + ": expected a JSON object per line");
            }
            String image = null;
            for (String k : IMAGE_KEYS) {
                if (n.hasNonNull(k)) {
                    image = n.get(k).asText();
                    break;
                }
            }
            if (image == null || image.isBlank()) {
                throw new IOException(file + ":" + (i + 1) + ": no image path (keys: image, file, path, ...)");
            }
            JsonNode many = n.get("captions");
            if (many != null && many.isArray()) {
                for (JsonNode c : many) {
                    out.add(new Pair(image, requireCaption(c.asText(), file, i + 1)));
                }
                continue;
            }
            String caption = null;
            for (String k : CAPTION_KEYS) {
                if (n.hasNonNull(k)) {
                    caption = n.get(k).asText();
                    break;
                }
            }
            out.add(new Pair(image, requireCaption(caption, file, i + 1)));
        }
        return out;
    }

    private static String requireCaption(String caption, Path file, int line) throws IOException {
        if (caption == null || caption.isBlank()) {
            throw new IOException(file + ":" + line + ": empty or missing caption (keys: caption, text, captions)");
        }
        return caption;
    }

    static List<Pair> csv(String text, Path file) throws IOException {
        List<List<String>> rows = parseCsv(text, file);
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> header = rows.getFirst();
        int img = -1;
        int cap = -1;
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i).strip().toLowerCase(Locale.ROOT);
            if (img < 0 && IMAGE_KEYS.contains(h)) {
                img = i;
            } else if (cap < 0 && CAPTION_KEYS.contains(h)) {
                cap = i;
            }
        }
        if (img < 0 || cap < 0) {
            throw new IOException(file + ": the CSV header " + header + " needs an image column (image, file, path, ...) "
                    + "and a caption column (caption, text, title)");
        }
        List<Pair> out = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.getFirst().isBlank()) {
                continue;
            }
            if (row.size() <= Math.max(img, cap)) {
                throw new IOException(file + ": row " + (r + 1) + " has " + row.size() + " fields, expected at least "
                        + (Math.max(img, cap) + 1));
            }
            String image = row.get(img).strip();
            if (image.isEmpty()) {
                throw new IOException(file + ": row " + (r + 1) + " has no image path");
            }
            out.add(new Pair(image, requireCaption(row.get(cap), file, r + 1)));
        }
        return out;
    }

    /** RFC 4180: fields separated by commas, optionally in double quotes, {@code ""} inside quotes is a quote. */
    static List<List<String>> parseCsv(String text, Path file) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                } else {
                    field.append(c);
                }
                i++;
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (!field.isEmpty()) {
                        throw new IOException(file + ": row " + (rows.size() + 1) + ": quote inside an unquoted field");
                    }
                    quoted = true;
                }
                case ',' -> {
                    row.add(field.toString());
                    field.setLength(0);
                }
                case '\r' -> {
                }
                case '\n' -> {
                    row.add(field.toString());
                    field.setLength(0);
                    rows.add(row);
                    row = new ArrayList<>();
                }
                default -> field.append(c);
            }
            i++;
        }
        if (quoted) {
            throw new IOException(file + ": unterminated quoted field");
        }
        if (!field.isEmpty() || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
