package dev.ripple.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of the wrong kind, or that disagree with each other, found by a hunt through the command
 * line's file options (2026-12-07): each is refused in one line naming the file, exit 1, and an
 * existing output survives untouched.
 */
class BadInputFilesTest {
    @TempDir
    static Path dir;

    /**
     * {@code place --tokenizer} stored whatever it was given (an empty file, a text file, a .ripple
     * file) as the model's tokenizer.json and exited 0; every {@code generate} on the written file
     * then failed on it, with --prompt-ids too, naming only "tokenizer.json".
     */
    @Test
    void placeRefusesATokenizerThatDoesNotReadAndKeepsTheOldFile() throws IOException {
        Path trace = dir.resolve("c.trace");
        DecoderSteps.profile(TinyOpt.dir(), trace, 40, dir.resolve("profile-work"));
        byte[] old = "an earlier model file".getBytes();
        Path out = Files.write(dir.resolve("placed.ripple"), old);
        Path empty = Files.createFile(dir.resolve("empty.json"));
        Path text = Files.writeString(dir.resolve("notes.txt"), "The quick brown fox.\n");
        for (Path tokenizer : new Path[] {empty, text, trace}) {
            RippleRun refused = RippleRun.inProcess(
                    "place",
                    "--model",
                    TinyOpt.dir().toString(),
                    "--trace",
                    trace.toString(),
                    "--tokenizer",
                    tokenizer.toString(),
                    "--out",
                    out.toString(),
                    "--work",
                    dir.resolve("place-work").toString(),
                    "--quiet");
            String err = refused.refusal();
            assertTrue(err.startsWith("ripple: " + tokenizer + ": (document): malformed: "), err);
            assertArrayEquals(old, Files.readAllBytes(out), "the existing --out survives");
        }
    }

    /**
     * A workload.json that is not the directory's (edited, or copied from another workload): the
     * placed files are generated from it, so a wider dModel wrote gigabytes (a hang), more layers
     * than the traces failed as "Index 2 out of bounds for length 2" and a wider FFN as "layer 0: not
     * a permutation", neither naming a file. Refused at read, before any calibration or placing.
     */
    @Test
    void aWorkloadSpecThatIsNotTheDirectorysIsRefusedNamingIt() throws IOException {
        Path workload = dir.resolve("workload");
        DecoderSteps.synthTinyWorkload(workload, 200, 40);
        String spec = Files.readString(workload.resolve("workload.json"));
        for (String[] edit : new String[][] {
            {"\"dModel\" : 64", "\"dModel\" : 1000000"},
            {"\"layers\" : 2", "\"layers\" : 3"},
            {"\"dFfn\" : 1024", "\"dFfn\" : 2048"}
        }) {
            assertTrue(spec.contains(edit[0]), spec);
            Path copy = copyOf(workload, dir.resolve("edited-" + edit[1].replaceAll("\\W", "")));
            Files.writeString(copy.resolve("workload.json"), spec.replace(edit[0], edit[1]));
            String err = refusedPolicies(copy);
            assertTrue(
                    err.startsWith("ripple: " + copy.resolve("workload.json") + ": ")
                            && err.endsWith("holds 2 layers of 64 x 1024: the spec is not this workload's"),
                    err);
            try (Stream<Path> files = Files.list(copy)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("placed-")), "nothing placed");
            }
        }
    }

    /** A trace of another workload (one layer where the spec has two) is refused naming the trace. */
    @Test
    void aTraceOfAnotherWorkloadIsRefusedNamingIt() throws IOException {
        Path workload = dir.resolve("workload-two");
        DecoderSteps.synthTinyWorkload(workload, 200, 40);
        Path other = dir.resolve("workload-one");
        RippleRun.succeeds("synth", "--workload", "tiny", "--layers", "1", "--out", other.toString(), "--quiet");
        Files.copy(
                other.resolve("heldout.trace"), workload.resolve("heldout.trace"), StandardCopyOption.REPLACE_EXISTING);
        String err = refusedPolicies(workload);
        assertEquals(
                "ripple: " + workload.resolve("heldout.trace") + ": 1 layers of 1024 neurons, where "
                        + workload.resolve("workload.json") + " says 2 of 1024: not this workload's trace",
                err);
    }

    /**
     * {@code synth --workload} token counts: 0 said "positive token counts needed" with a spec of
     * zeros and nulls (the record's unassigned fields), 2147483647 ran on until memory or disk gave out.
     */
    @Test
    void workloadTokenCountsOutOfRangeAreRefusedNamingTheOption() {
        for (String[] given : new String[][] {
            {"--calibration-tokens", "0"}, {"--heldout-tokens", "-1"}, {"--calibration-tokens", "2147483647"}
        }) {
            Path out = dir.resolve("tokens" + given[1]);
            RippleRun refused = RippleRun.inProcess(
                    "synth", "--workload", "tiny", "--layers", "2", given[0], given[1], "--out", out.toString());
            assertEquals(1, refused.exit(), refused.err());
            assertEquals(
                    "ripple: " + given[0] + " must be in 1..2631720 (the traces are generated in memory: at most"
                            + " 2^28 planted activations), got " + given[1],
                    refused.err().strip());
            assertFalse(Files.exists(out));
        }
    }

    /**
     * demo, tradeoff and policies (without --workload) run ONNX encoders only, though their --model
     * read "or a decoder": a decoder directory was refused as having "no tokenizer.json beside the
     * model" (it has one) and, given --tokenizer, as "architecture type is 'llama', not 'bert'".
     */
    @Test
    void aDecoderGivenToAnEncoderOnlyCommandIsRefusedNamingIt() throws IOException {
        String[][] commands = {{"demo", "demo"}, {"tradeoff", "tradeoff"}, {"policies", "policies (without --workload)"}
        };
        for (String[] command : commands) {
            Path work = dir.resolve(command[0] + "-decoder-work");
            RippleRun refused = RippleRun.inProcess(
                    command[0], "--model", TinyOpt.dir().toString(), "--work", work.toString(), "--quiet");
            assertEquals(1, refused.exit(), refused.err());
            assertEquals(
                    "ripple: --model " + TinyOpt.dir() + ": " + command[1] + " runs ONNX encoders (a .onnx file); a"
                            + " decoder runs with profile, place, bench and generate",
                    refused.err().strip());
            assertFalse(Files.exists(work), "refused before the work directory");
        }
        // told by its first bytes, not its name: a GGUF file under an encoder's name
        Path gguf = Files.write(dir.resolve("named-like-an-encoder.onnx"), "GGUF\3\0\0\0".getBytes(UTF_8));
        RippleRun misnamed = RippleRun.inProcess(
                "demo",
                "--model",
                gguf.toString(),
                "--work",
                dir.resolve("gguf-work").toString());
        assertTrue(
                misnamed.refusal()
                        .endsWith(": demo runs ONNX encoders (a .onnx file); a decoder runs with profile,"
                                + " place, bench and generate"),
                misnamed.err());
    }

    private static String refusedPolicies(Path workload) {
        RippleRun refused = RippleRun.inProcess(
                "policies",
                "--workload",
                workload.toString(),
                "--device",
                "nvme",
                "--tokens",
                "5",
                "--repeats",
                "1",
                "--work",
                dir.resolve("policies-work").toString(),
                "--quiet");
        String err = refused.refusal();
        return err;
    }

    private static Path copyOf(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
