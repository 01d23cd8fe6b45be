package dev.ripple.bench.cli;

import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.FuzzScratch;
import dev.ripple.core.testing.RandomModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The values the command-line fuzz target gives options and positional arguments: numbers at and
 * past every edge, malformed lists, names no choice has, unicode, and paths that lead nowhere
 * useful (missing, a directory, an empty file, a file of garbage) in the fuzzing JVM's scratch
 * directory, and one tiny valid {@code .ripple} file. None of them names anything a command could
 * do long work on, so every run with them either refuses or finishes at once (help, version,
 * {@code inspect} of the tiny file).
 *
 * <p>It holds no preset, workload shape or other name that starts real work (a synthetic model,
 * a calibration); Jazzer's string-comparison hints could otherwise assemble one from raw bytes,
 * which is why values come only from this list.
 */
final class NastyValues {
    private final Path scratch;
    private final List<String> values;
    private final List<Path> badInputs;
    private final Path validModel;

    private NastyValues(Path scratch) {
        this.scratch = scratch;
        this.validModel = scratch.resolve("tiny-valid.ripple");
        this.badInputs = List.of(
                scratch.resolve("missing.onnx"),
                scratch.resolve("missing.ripple"),
                scratch.resolve("missing-dir/model.safetensors"),
                scratch.resolve("garbage.onnx"),
                scratch.resolve("garbage.ripple"),
                scratch.resolve("garbage.gguf"),
                scratch.resolve("garbage.safetensors"),
                scratch.resolve("garbage.json"),
                scratch.resolve("garbage.txt"),
                scratch.resolve("empty.ripple"),
                scratch.resolve("garbage.onnx/below-a-file"));
        List<String> v = new ArrayList<>(List.of(
                "",
                " ",
                "0",
                "-1",
                "1",
                "-0",
                "0.0",
                "-0.0",
                "0.5",
                "1.5",
                "2",
                "NaN",
                "-NaN",
                "Infinity",
                "-Infinity",
                "1e309",
                "-1e309",
                "1e-400",
                "4.9e-324",
                "2147483647",
                "2147483648",
                "-2147483648",
                "-2147483649",
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "99999999999999999999999",
                "0x10",
                "1_000",
                "1,2",
                "1,,2",
                ",",
                "0,0",
                "-1,5",
                "NaN,1",
                "1,1e309",
                "abc",
                "--",
                "-",
                "=",
                "--=",
                "f16",
                "f32",
                "q4_0",
                "lru",
                "none",
                "direct",
                "mmap",
                "gguf",
                "act > 0",
                "|act| > NaN",
                "top 20%",
                "top -5%",
                "act > 1e309",
                "ü\u00e9\u4e2d\u6587",
                "\uD83D\uDE00",
                "\u0000",
                "a\nb",
                "\t",
                "%s%n",
                "${DEFAULT-VALUE}",
                "@" + scratch.resolve("missing-args-file")));
        v.add(scratch.toString());
        v.add(scratch.resolve("empty-dir").toString());
        for (Path p : badInputs) {
            v.add(p.toString());
        }
        v.add(validModel.toString());
        this.values = List.copyOf(v);
    }

    /** The values, with their files made in this JVM's fuzz scratch directory. */
    static NastyValues inScratch() {
        NastyValues n = new NastyValues(FuzzScratch.dir().resolve("cli"));
        n.reset();
        return n;
    }

    /**
     * Makes the files again as the values name them: a command that wrongly wrote to one before
     * refusing must not change what the next run is given.
     */
    void reset() {
        try {
            Files.createDirectories(scratch.resolve("empty-dir"));
            if (!Files.exists(validModel)) {
                RippleFileWriter.write(validModel, RandomModels.model(5, 2, 4, 8, Activation.RELU, false, DType.F16));
            }
            Files.write(scratch.resolve("empty.ripple"), new byte[0]);
            byte[] garbage = "RIPL\u0001\u00ff garbage, not a model {\"a\": [1, 2".getBytes(StandardCharsets.UTF_8);
            for (String name : List.of("onnx", "ripple", "gguf", "safetensors", "json", "txt")) {
                Path p = scratch.resolve("garbage." + name);
                if (Files.isDirectory(p)) {
                    throw new IllegalStateException(p + " became a directory: a command created it before refusing");
                }
                Files.write(p, garbage);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the fuzz harness could not make its scratch files in " + scratch, e);
        }
    }

    /** The value at {@code index}, taken modulo their count. */
    String value(int index) {
        return values.get(Math.floorMod(index, values.size()));
    }

    /** The input path at {@code index}, modulo their count: missing, a garbage file or below a file, never a directory. */
    Path badInput(int index) {
        return badInputs.get(Math.floorMod(index, badInputs.size()));
    }

    /**
     * A small valid {@code .ripple} file (2 FFN layers of 8 neurons): {@code inspect} reads it
     * whole in milliseconds, so its options are fuzzed past the file's own refusals; every other
     * command is pinned to a bad input before it could use it.
     */
    Path validModel() {
        return validModel;
    }

    /** The --work directory of the commands that take one: some create it before they refuse, never more. */
    Path work() {
        return scratch.resolve("work");
    }

    int size() {
        return values.size();
    }
}
