package io.clip4j.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the UTF-8 data files bundled next to this package's classes. */
final class TextResources {

    private TextResources() {}

    /** The lines of a bundled resource, without comment lines (starting with '#') and blank lines. */
    static List<String> dataLines(String name) {
        List<String> lines = new ArrayList<>();
        try (InputStream in = TextResources.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("bundled resource io/clip4j/text/" + name + " is missing");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled resource io/clip4j/text/" + name, e);
        }
        return lines;
    }

    /** Parses space-separated hex code points into a string. */
    static String codePoints(String hexList) {
        StringBuilder sb = new StringBuilder();
        for (String hex : hexList.trim().split("\\s+")) {
            if (!hex.isEmpty()) {
                sb.appendCodePoint(Integer.parseInt(hex, 16));
            }
        }
        return sb.toString();
    }
}
