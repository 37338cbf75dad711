package io.clip4j.weights;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few facts about TorchScript classes that a state dict needs, read from the {@code code/} entries of
 * a TorchScript archive without compiling or running anything.
 *
 * <p>torch's exporter prints every class of the archive as Python source: the class
 * {@code __torch__.a.b.Name} goes into {@code code/__torch__/a/b.py} (mangled names such as
 * {@code __torch__.a.___torch_mangle_7.Name} into {@code code/__torch__/a/___torch_mangle_7.py}). A module
 * class is printed as {@code class Name(Module):} and its body starts with
 *
 * <pre>
 *   __parameters__ = ["weight", "bias", ]
 *   __buffers__ = ["running_mean", ]
 *   weight : Tensor
 *   ...
 * </pre>
 *
 * <p>which is how torch itself learns, when it loads the archive, which attributes are parameters and
 * buffers ({@code __buffers__} exists since torch 1.6). Only those class headers and these two
 * list-of-string assignments at class-body level are read; every other line (attribute annotations,
 * constants, methods) is skipped. Files are read lazily, once each.
 */
final class TorchScriptCode {

    /** Source files of real models are at most a few MB; these bound what a hostile archive can make us inflate. */
    static final int MAX_SOURCE_BYTES = 64 << 20;
    static final long MAX_TOTAL_SOURCE_BYTES = 256L << 20;

    /**
     * What the archive says about one class.
     *
     * @param qualifiedName e.g. {@code __torch__.torch.nn.modules.conv.Conv2d}
     * @param module        whether it is declared {@code (Module)}
     * @param parameters    the names in {@code __parameters__} (empty for a non-module)
     * @param buffers       the names in {@code __buffers__}, or {@code null} when the class does not
     *                      declare it (archives written before torch 1.6)
     */
    record ScriptClass(String qualifiedName, boolean module, Set<String> parameters, Set<String> buffers) {
    }

    private static final Pattern CLASS_HEADER = Pattern.compile("class ([A-Za-z_][A-Za-z0-9_]*)(?:\\(([A-Za-z_][A-Za-z0-9_]*)\\))?:\\s*");

    private final String file;
    private final ZipArchive zip;
    private final String codeDir;
    /** Parsed files by qualifier, each a map from class name to its declaration. */
    private final Map<String, Map<String, ScriptClass>> files = new HashMap<>();
    /** Declarations already looked up, by qualified name (a model has one lookup per module instance). */
    private final Map<String, ScriptClass> found = new HashMap<>();
    private long sourceBytesRead;

    /**
     * @param file    the archive's name, for messages
     * @param zip     the archive
     * @param codeDir the folder of the sources inside it, e.g. {@code ViT-B-32/code/}
     */
    TorchScriptCode(String file, ZipArchive zip, String codeDir) {
        this.file = file;
        this.zip = zip;
        this.codeDir = codeDir;
    }

    /**
     * The declaration of the class {@code qualifiedName} (a name the pickle used, already checked to be
     * {@code __torch__} followed by identifiers).
     *
     * @throws ModelFormatException if the archive has no source for it (custom C++ classes such as quantized
     *                              packed parameters have none) or its declaration cannot be read
     */
    ScriptClass require(String qualifiedName) {
        ScriptClass known = found.get(qualifiedName);
        if (known != null) {
            return known;
        }
        int dot = qualifiedName.lastIndexOf('.');
        String qualifier = qualifiedName.substring(0, dot);
        String name = qualifiedName.substring(dot + 1);
        ScriptClass cls = classesIn(qualifier).get(name);
        if (cls == null) {
            throw new ModelFormatException(file + ": TorchScript class " + RestrictedUnpickler.printable(qualifiedName)
                    + " is not defined in " + sourcePath(qualifier) + " (custom C++ classes, such as quantized "
                    + "packed parameters, are not supported)");
        }
        found.put(qualifiedName, cls);
        return cls;
    }

    private String sourcePath(String qualifier) {
        return codeDir + qualifier.replace('.', '/') + ".py";
    }

    private Map<String, ScriptClass> classesIn(String qualifier) {
        Map<String, ScriptClass> classes = files.get(qualifier);
        if (classes == null) {
            String path = sourcePath(qualifier);
            ZipArchive.Entry e = zip.entry(path);
            if (e == null) {
                classes = Map.of();
            } else {
                sourceBytesRead += e.uncompressedSize();
                if (sourceBytesRead > MAX_TOTAL_SOURCE_BYTES) {
                    throw new ModelFormatException(file + ": corrupt TorchScript archive: the code/ sources it needs "
                            + "exceed " + MAX_TOTAL_SOURCE_BYTES + " bytes");
                }
                classes = parse(qualifier, path, new String(zip.readAll(e, MAX_SOURCE_BYTES), StandardCharsets.UTF_8));
            }
            files.put(qualifier, classes);
        }
        return classes;
    }

    /** Finds the top-level classes of one source file and the two declarations of each module class. */
    private Map<String, ScriptClass> parse(String qualifier, String path, String source) {
        Map<String, ScriptClass> classes = new HashMap<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            // Python source: a class statement at column 0 starts a top-level class; string literals are
            // printed with escapes, so no line of a method body can start there.
            if (!lines[i].startsWith("class ")) {
                continue;
            }
            Matcher header = CLASS_HEADER.matcher(lines[i]);
            if (!header.matches()) {
                throw corrupt(path, i, "unrecognised class statement");
            }
            String name = header.group(1);
            boolean module = "Module".equals(header.group(2));
            List<String> body = new ArrayList<>();
            int j = i + 1;
            while (j < lines.length && (lines[j].isBlank() || lines[j].startsWith(" "))) {
                body.add(lines[j++]);
            }
            ScriptClass cls = module ? moduleClass(qualifier + "." + name, path, i + 1, body)
                    : new ScriptClass(qualifier + "." + name, false, Set.of(), Set.of());
            if (classes.putIfAbsent(name, cls) != null) {
                throw corrupt(path, i, "class " + name + " is defined twice");
            }
            i = j - 1;
        }
        return classes;
    }

    /** Reads the declarations of a module class whose body starts at line index {@code bodyStart}. */
    private ScriptClass moduleClass(String qualifiedName, String path, int bodyStart, List<String> body) {
        String indent = null;
        Set<String> parameters = null;
        Set<String> buffers = null;
        for (int k = 0; k < body.size(); k++) {
            String line = body.get(k);
            if (line.isBlank()) {
                continue;
            }
            if (indent == null) {
                indent = line.substring(0, line.length() - line.stripLeading().length());
            }
            // Only statements of the class body itself; method bodies are indented further.
            if (!line.startsWith(indent) || line.charAt(indent.length()) == ' ') {
                continue;
            }
            String stmt = line.substring(indent.length());
            int lineNo = bodyStart + k;
            if (stmt.startsWith("__parameters__ ") || stmt.startsWith("__parameters__=")) {
                if (parameters != null) {
                    throw corrupt(path, lineNo, "__parameters__ is assigned twice");
                }
                parameters = names(stmt, path, lineNo);
            } else if (stmt.startsWith("__buffers__ ") || stmt.startsWith("__buffers__=")) {
                if (buffers != null) {
                    throw corrupt(path, lineNo, "__buffers__ is assigned twice");
                }
                buffers = names(stmt, path, lineNo);
            }
        }
        if (parameters == null) {
            throw corrupt(path, bodyStart - 1, "module class " + qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1)
                    + " declares no __parameters__");
        }
        if (buffers != null) {
            for (String b : buffers) {
                if (parameters.contains(b)) {
                    throw corrupt(path, bodyStart - 1, "'" + b + "' is declared both a parameter and a buffer");
                }
            }
        }
        return new ScriptClass(qualifiedName, true, Collections.unmodifiableSet(parameters),
                buffers == null ? null : Collections.unmodifiableSet(buffers));
    }

    /**
     * Parses {@code __parameters__ = ["a", "b", ]}: python_print writes each name between double quotes,
     * unescaped, each followed by a comma. Scanned by hand (no backtracking regex on file contents).
     */
    private Set<String> names(String stmt, String path, int lineNo) {
        int eq = stmt.indexOf('=');
        String list = stmt.substring(eq + 1).strip();
        if (!stmt.substring(0, eq).strip().matches("__(parameters|buffers)__") || list.length() < 2
                || list.charAt(0) != '[' || list.charAt(list.length() - 1) != ']') {
            throw corrupt(path, lineNo, "expected a list of quoted attribute names");
        }
        String[] items = list.substring(1, list.length() - 1).split(",", -1);
        Set<String> names = new LinkedHashSet<>();
        for (int k = 0; k < items.length; k++) {
            String item = items[k].strip();
            if (item.isEmpty() && k == items.length - 1) {
                break; // the trailing comma, or an empty list
            }
            String name = item.length() >= 2 && item.startsWith("\"") && item.endsWith("\"")
                    ? item.substring(1, item.length() - 1) : "";
            if (name.isEmpty() || name.chars().anyMatch(c -> c == '"' || c == '\\' || Character.isISOControl(c))) {
                throw corrupt(path, lineNo, "expected a list of quoted attribute names");
            }
            if (!names.add(name)) {
                throw corrupt(path, lineNo, "attribute '" + name + "' is listed twice");
            }
        }
        return names;
    }

    private ModelFormatException corrupt(String path, int lineIndex, String why) {
        return new ModelFormatException(file + ": corrupt TorchScript archive: " + path + " line " + (lineIndex + 1)
                + ": " + why);
    }
}
