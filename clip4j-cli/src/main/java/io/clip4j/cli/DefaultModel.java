package io.clip4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * clip4j's embedded default model: a small CLIP trained by clip4j itself on Fashion-MNIST (28x28 grey
 * images of clothes), shipped in the repository under {@code models/default} and inside the CLI jar.
 * {@code --model default} names it, and commands use it when no model is given, with a notice on stderr.
 */
final class DefaultModel {

    /** The name that selects it. */
    static final String NAME = "default";
    /** The files of the model, as packaged in the jar under {@value #RESOURCE_DIR}. */
    static final List<String> FILES = List.of("config.json", "preprocessor_config.json", "model.safetensors");
    static final String RESOURCE_DIR = "/io/clip4j/models/default/";
    static final String NOTICE = "clip4j: using the built-in default model, a 28x28 Fashion-MNIST demo "
            + "(clothes in grey thumbnails, not a general-purpose model); pass --model for a real CLIP model";

    private DefaultModel() {
    }

    /** {@code model}, or the default model (with the notice on stderr) when it is null or "default". */
    static Path resolve(Path model) {
        if (model != null && !model.toString().equals(NAME)) {
            return model;
        }
        System.err.println(NOTICE);
        return locate();
    }

    /**
     * Where the default model is: {@code CLIP4J_DEFAULT_MODEL}, the repository's {@code models/default} next to
     * the running jar, or the copy inside the jar extracted to a cache directory.
     */
    static Path locate() {
        String env = System.getenv("CLIP4J_DEFAULT_MODEL");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path repo = besideJar();
        if (repo != null) {
            return repo;
        }
        return extract();
    }

    private static Path besideJar() {
        try {
            var src = DefaultModel.class.getProtectionDomain().getCodeSource();
            if (src == null) {
                return null;
            }
            Path p = Path.of(src.getLocation().toURI()).toAbsolutePath();
            for (int i = 0; i < 5 && p != null; i++, p = p.getParent()) {
                Path candidate = p.resolve("models").resolve("default");
                if (Files.isRegularFile(candidate.resolve("model.safetensors"))) {
                    return candidate;
                }
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static Path extract() {
        try (InputStream probe = DefaultModel.class.getResourceAsStream(RESOURCE_DIR + "model.safetensors")) {
            if (probe == null) {
                throw new IllegalStateException("the default model is not available (no models/default beside the jar, "
                        + "none inside it); pass --model");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = String.valueOf(DefaultModel.class.getPackage().getImplementationVersion());
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "clip4j-default-model-" + version + "-"
                + Integer.toHexString(resourceSize("model.safetensors")));
        try {
            if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
                Path tmp = Files.createTempDirectory(dir.getParent(), "clip4j-default-model-");
                for (String f : FILES) {
                    try (InputStream in = DefaultModel.class.getResourceAsStream(RESOURCE_DIR + f)) {
                        if (in == null) {
                            throw new IllegalStateException("the jar's default model lacks " + f);
                        }
                        Files.copy(in, tmp.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    // another process extracted it first
                    if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
                        throw raced;
                    }
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the default model to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static int resourceSize(String name) {
        try (InputStream in = DefaultModel.class.getResourceAsStream(RESOURCE_DIR + name)) {
            return in == null ? 0 : (int) in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            return 0;
        }
    }
}
