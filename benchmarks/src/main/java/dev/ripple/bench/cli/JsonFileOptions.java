package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.bench.harness.MachineFacts;
import dev.ripple.core.format.AtomicFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --json FILE}: where a command writes every figure of its report as JSON, atomically. A
 * picocli mixin, so that the option reads the same everywhere and a half-written file is never left.
 * Every report written here carries a {@code "run"} object ({@link RunInfo}): the command, the
 * times, the machine and its load.
 */
final class JsonFileOptions {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--json",
            converter = PathArguments.OutputFile.class,
            paramLabel = "FILE",
            description = "write every figure as JSON")
    Path file;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Made as the command line is read, so that the run's start and its load then are known. */
    private final Instant created = Instant.now();

    private final double loadAtStart = MachineFacts.loadAverage();

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
        AtomicFile.write(file, withRun(json.bytes()));
        return true;
    }

    /**
     * The report with its {@code "run"} first, laid out as the report was (compact stays compact:
     * generate's per-step arrays would grow several times pretty-printed); a report that is no JSON
     * object is written as it is.
     */
    private byte[] withRun(byte[] report) throws IOException {
        JsonNode parsed = JSON.readTree(report);
        if (!(parsed instanceof ObjectNode fields) || fields.has("run")) {
            return report;
        }
        List<String> args = command == null || command.commandLine().getParseResult() == null
                ? List.of()
                : command.commandLine().getParseResult().originalArgs();
        ObjectNode out = JSON.createObjectNode();
        out.set("run", new RunInfo(RunInfo.commandLine(args), created, loadAtStart).toJson());
        out.setAll(fields);
        boolean pretty = new String(report, 0, Math.min(report.length, 4096), StandardCharsets.UTF_8).contains("\n");
        return pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out) : JSON.writeValueAsBytes(out);
    }

    /** As {@link #write}, then names the file on {@code out} for a reader of a long report. */
    void writeAndTell(PrintWriter out, Rendering json) throws IOException {
        if (write(json)) {
            out.printf("json: %s%n", file);
        }
    }
}
