package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.bench.harness.MachineFacts;
import dev.ripple.core.format.AtomicFile;
import dev.ripple.io.json.NonFiniteAsNull;
import dev.ripple.placement.InputFiles;
import java.io.IOException;
import java.io.PrintWriter;
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
 * times, the machine and its load. A report hands over its JSON tree, not text, so that the run is
 * added before the one serialization rather than by parsing the report back.
 */
final class JsonFileOptions {
    private static final ObjectMapper JSON =
            NonFiniteAsNull.mapper().enable(SerializationFeature.INDENT_OUTPUT); // unmeasured: null, not "NaN"

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

    /**
     * Refuses, before any work, a --json file that is one of the command's {@code inputs} or that
     * cannot be written ({@link AtomicFile#requireWritable}): the report is written after the work, and
     * a refusal then would throw the work away.
     */
    void requireUsable(InputFiles inputs) throws IOException {
        if (file != null) {
            PathArguments.requireUsableOutput(inputs, "--json", file);
        }
    }

    /** A report's JSON tree, rendered only when --json asks for it. */
    @FunctionalInterface
    interface Rendering {
        ObjectNode json();
    }

    /**
     * Writes the report to --json when it was given, its {@code "run"} first and then its own fields
     * in their order, indented; whether it did. The report is rendered once, as a tree, and serialized
     * once here: the run is part of the rendering, not spliced into text already written.
     */
    boolean write(Rendering report) throws IOException {
        if (file == null) {
            return false;
        }
        ObjectNode fields = report.json();
        if (fields.has("run")) {
            throw new IllegalArgumentException("a report's own \"run\" would hide the run's: " + fields.get("run"));
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("run", run().toJson());
        out.setAll(fields);
        AtomicFile.write(file, JSON.writeValueAsBytes(out));
        return true;
    }

    private RunInfo run() {
        List<String> args = command == null || command.commandLine().getParseResult() == null
                ? List.of()
                : command.commandLine().getParseResult().originalArgs();
        return new RunInfo(RunInfo.commandLine(args), created, loadAtStart);
    }

    /** As {@link #write}, then names the file on {@code out} for a reader of a long report. */
    void writeAndTell(PrintWriter out, Rendering json) throws IOException {
        if (write(json)) {
            out.printf("json: %s%n", file);
        }
    }
}
