package dev.ripple.bench.cli;

import dev.ripple.core.format.AtomicFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --json FILE}: where a command writes every figure of its report as JSON, atomically. A
 * picocli mixin, so that the option reads the same everywhere and a half-written file is never left.
 */
final class JsonFileOptions {
    @Option(
            names = "--json",
            converter = PathArguments.OutputFile.class,
            paramLabel = "FILE",
            description = "write every figure as JSON")
    Path file;

    /** A report's JSON, rendered only when --json asks for it. */
    @FunctionalInterface
    interface Rendering {
        byte[] bytes() throws IOException;
    }

    /** Writes {@code json} to --json when it was given; whether it did. */
    boolean write(Rendering json) throws IOException {
        if (file == null) {
            return false;
        }
        AtomicFile.write(file, json.bytes());
        return true;
    }

    /** As {@link #write}, then names the file on {@code out} for a reader of a long report. */
    void writeAndTell(PrintWriter out, Rendering json) throws IOException {
        if (write(json)) {
            out.printf("json: %s%n", file);
        }
    }
}
