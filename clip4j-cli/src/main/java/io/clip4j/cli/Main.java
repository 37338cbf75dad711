package io.clip4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code clip4j} command line. The only place in clip4j that prints. */
@Command(name = "clip4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Pure-Java CLIP-family models: embeddings, zero-shot classification, search, benchmarks.",
        subcommands = {
                EmbedCommand.class,
                InferCommand.class,
                ClassifyCommand.class,
                IndexCommand.class,
                SearchCommand.class,
                ProbeCommand.class,
                TokenizeCommand.class,
                PreprocessCommand.class,
                BenchCommand.class,
                SynthCommand.class,
                TrainCommand.class,
                TrainStepCommand.class,
                EvalCommand.class,
                BenchTrainCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        redirectStderr();
        System.exit(run(args));
    }

    /**
     * The launcher filters the JVM's own start-up warning out of file descriptor 2 and hands us the
     * unfiltered stderr as another descriptor, so progress bars and errors are not held back by the filter.
     */
    private static void redirectStderr() {
        String fd = System.getenv("CLIP4J_STDERR_FD");
        if (fd == null || !fd.matches("\\d+")) {
            return;
        }
        try {
            // Re-opening a regular file would get a second file offset and clobber what the shell's
            // descriptors write (e.g. "> log 2>&1"): only terminals and pipes are re-opened.
            if (java.nio.file.Files.isRegularFile(java.nio.file.Path.of("/dev/fd/" + fd))) {
                return;
            }
            java.io.FileOutputStream out = new java.io.FileOutputStream("/dev/fd/" + fd, true);
            System.setErr(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException | SecurityException e) {
            // keep the default stderr
        }
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new Errors());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"clip4j " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ", kernels "
                    + io.clip4j.tensor.Kernels.get().name() + ")"};
        }
    }
}
