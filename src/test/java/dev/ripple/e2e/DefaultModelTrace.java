package dev.ripple.e2e;

import dev.ripple.bench.cli.UnpackedDefaultModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A trace of the default model (all-MiniLM-L6-v2) on the default text, 500 tokens, profiled by
 * {@code ripple profile} once per test JVM and shared by the test classes that only need a trace to
 * place from: no assertion of theirs looks at how well it places, so 500 tokens serve, and the same
 * command with the same options gave each of them the same trace. Profiling takes an ONNX Runtime
 * session and a pass over the text; done once, it is not paid again by every class.
 *
 * <p>The trace is only read (a command's {@code --trace}); it and the work directory it was
 * profiled in are a temporary directory of this JVM's, deleted when the JVM exits.
 */
final class DefaultModelTrace {
    private DefaultModelTrace() {}

    /** The trace, profiled on first use. */
    static Path path() {
        return Holder.TRACE;
    }

    private static final class Holder {
        static final Path TRACE = profile();

        private static Path profile() {
            try {
                Path dir = Files.createTempDirectory("ripple-default-trace");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
                Path work = dir.resolve("work");
                UnpackedDefaultModel.linkInto(work);
                Path trace = dir.resolve("c.rtrace");
                RippleRun.succeeds(
                        "profile",
                        "--out",
                        trace.toString(),
                        "--max-tokens",
                        "500",
                        "--work",
                        work.toString(),
                        "--quiet");
                return trace;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void deleteQuietly(Path dir) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ignored) {
                // a temporary directory: what is left, the system's cleaning removes
            }
        }
    }
}
