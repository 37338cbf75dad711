package io.clip4j.tensor;

import java.lang.System.Logger;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code cblas_sgemm} of a system OpenBLAS, called through the FFM API (no JNI, nothing bundled).
 *
 * <p>Selection: system property {@code clip4j.blas} = {@code auto} (default: use the library when it is
 * installed and the JVM grants native access to clip4j, e.g. {@code --enable-native-access=ALL-UNNAMED}),
 * {@code openblas} (use it whenever it loads) or {@code none}. The library is told to use one thread:
 * clip4j splits the work over its own parking pool, so OpenBLAS's spin-waiting workers never run.
 */
final class NativeBlas {

    private static final List<String> LIBRARIES = List.of("libopenblas.so.0", "libopenblas.so", "libopenblas.dylib");
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private final MethodHandle sgemm;
    private final String library;

    /**
     * clip4j's logger, obtained only when there is something to say: looking it up starts the JDK's logging
     * back end, which costs tens of milliseconds of every start otherwise.
     */
    static Logger log() {
        return System.getLogger("io.clip4j");
    }

    private NativeBlas(MethodHandle sgemm, String library) {
        this.sgemm = sgemm;
        this.library = library;
    }

    /** The library chosen by {@code clip4j.blas}, if any. */
    static Optional<NativeBlas> selected() {
        return Holder.SELECTED;
    }

    /** Loads the library regardless of the property (for tests and benchmarks); empty if it is not installed. */
    static Optional<NativeBlas> load() {
        for (String name : LIBRARIES) {
            try {
                SymbolLookup lib = SymbolLookup.libraryLookup(name, Arena.global());
                Optional<MemorySegment> f = lib.find("cblas_sgemm");
                if (f.isEmpty()) {
                    continue;
                }
                Linker linker = Linker.nativeLinker();
                // critical(true): heap arrays are passed in place, and the call is too long for the
                // transition cost to matter but too short to need the GC to run meanwhile.
                MethodHandle h = linker.downcallHandle(f.get(), FunctionDescriptor.ofVoid(
                                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                                ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                        Linker.Option.critical(true));
                Optional<MemorySegment> threads = lib.find("openblas_set_num_threads");
                if (threads.isPresent()) {
                    linker.downcallHandle(threads.get(), FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT))
                            .invokeExact(1);
                }
                return Optional.of(new NativeBlas(h, name));
            } catch (IllegalArgumentException e) {
                // not installed under this name: try the next
            } catch (Throwable e) {
                log().log(Logger.Level.INFO, "clip4j: " + name + " found but not usable (" + e + ")");
            }
        }
        return Optional.empty();
    }

    String library() {
        return library;
    }

    /**
     * {@code C = alpha-free A op(B) (+ C if accumulate)} on row-major arrays; {@code transB} selects
     * {@code B [n, k]} (NT) instead of {@code B [k, n]} (NN).
     */
    void sgemm(boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               boolean accumulate, float[] c, int cOff, int ldc) {
        try {
            sgemm.invokeExact(ROW_MAJOR, NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1f,
                    MemorySegment.ofArray(a).asSlice(4L * aOff), lda,
                    MemorySegment.ofArray(b).asSlice(4L * bOff), ldb,
                    accumulate ? 1f : 0f, MemorySegment.ofArray(c).asSlice(4L * cOff), ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    private static final class Holder {
        static final Optional<NativeBlas> SELECTED = choose();

        private static Optional<NativeBlas> choose() {
            String want = System.getProperty("clip4j.blas", "auto").toLowerCase(Locale.ROOT);
            switch (want) {
                case "none", "off", "false" -> {
                    return Optional.empty();
                }
                case "openblas" -> {
                    Optional<NativeBlas> b = load();
                    if (b.isEmpty()) {
                        log().log(Logger.Level.INFO, "clip4j: -Dclip4j.blas=openblas but no OpenBLAS library was found "
                                + "(Debian: apt-get install libopenblas0); using the Java GEMM");
                    }
                    return b;
                }
                default -> {
                    // Without native access granted, a restricted call would print a warning on every start.
                    if (!NativeBlas.class.getModule().isNativeAccessEnabled()) {
                        return Optional.empty();
                    }
                    return load();
                }
            }
        }
    }
}
