package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import dev.ripple.placement.synthetic.SyntheticWorkload;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceFiles;
import dev.ripple.placement.trace.TraceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * A command whose output is one of its inputs is refused before any work, with one line naming
 * both: {@code ripple place --model ck --out ck/model.safetensors} wrote the {@code .ripple} file
 * over the checkpoint's weights and exited 0.
 */
class OutputIsInputCommandTest {
    @TempDir
    Path dir;

    @Test
    void placeRefusesAnOutThatIsAFileOfTheCheckpointOrATrace() throws IOException {
        Path ck = dir.resolve("ck");
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyOpt().withSeed(3), ck, "F32", 1);
        Path weights = ck.resolve("model.safetensors");
        byte[] before = Files.readAllBytes(weights);
        Path trace = dir.resolve("t.rtrace");
        TraceFiles.write(
                trace,
                ActivationTrace.builder(new TraceInfo("m", "t", "act > 0", 0), new int[] {16})
                        .add(0, RoaringBitmap.bitmapOf(1))
                        .build());
        Path work = dir.resolve("work");

        assertEquals(
                "ripple: --out " + weights + " is the input " + weights + " (a file of --model " + ck
                        + "); writing it would destroy the input: give another --out",
                CommandRuns.refusal(
                        "place",
                        "--model",
                        ck.toString(),
                        "--trace",
                        trace.toString(),
                        "--algorithm",
                        "ripple+",
                        "--out",
                        weights.toString(),
                        "--work",
                        work.toString(),
                        "--quiet"));
        assertEquals(
                "ripple: --out " + trace + " is the input " + trace
                        + " (--trace); writing it would destroy the input: give another --out",
                CommandRuns.refusal(
                        "place",
                        "--model",
                        ck.toString(),
                        "--trace",
                        trace.toString(),
                        "--out",
                        trace.toString(),
                        "--work",
                        work.toString(),
                        "--quiet"));
        Path eval = dir.resolve("sub").resolve("..").resolve("t.rtrace");
        assertEquals(
                "ripple: --out " + eval + " is the input " + trace
                        + " (--trace); writing it would destroy the input: give another --out",
                CommandRuns.refusal(
                        "place",
                        "--model",
                        ck.toString(),
                        "--trace",
                        trace.toString(),
                        "--out",
                        eval.toString(),
                        "--work",
                        work.toString(),
                        "--quiet"));
        assertArrayEquals(before, Files.readAllBytes(weights), "the weights are as they were");
        assertEquals(1, TraceFiles.read(trace).tokens(0), "the trace is as it was");
    }

    @Test
    void profileAndReportsRefuseAnOutputThatIsTheText() throws IOException {
        Path text = Files.writeString(dir.resolve("t.txt"), "Hello world\n");
        Path work = dir.resolve("work");
        assertEquals(
                "ripple: --out " + text + " is the input " + text
                        + " (--text); writing it would destroy the input: give another --out",
                CommandRuns.refusal(
                        "profile",
                        "--text",
                        text.toString(),
                        "--out",
                        text.toString(),
                        "--work",
                        work.toString(),
                        "--quiet"));
        assertEquals(
                "ripple: --png " + text + " is the input " + text
                        + " (--text); writing it would destroy the input: give another --png",
                CommandRuns.refusal(
                        "tradeoff",
                        "--text",
                        text.toString(),
                        "--png",
                        text.toString(),
                        "--work",
                        work.toString(),
                        "--quiet"));
        assertEquals(
                "ripple: --json " + text + " is the input " + text
                        + " (--text); writing it would destroy the input: give another --json",
                CommandRuns.refusal(
                        "bench",
                        "--text",
                        text.toString(),
                        "--json",
                        text.toString(),
                        "--work",
                        work.toString(),
                        "--quiet"));
        assertEquals("Hello world\n", Files.readString(text));
        assertFalse(Files.exists(work), "refused before the model is unpacked");
    }

    /**
     * A workload directory's files are inputs too: {@code --workload} went through the checkpoint
     * listing, which protected only checkpoint files, so {@code policies --workload w --json
     * w/workload.json} replaced the spec with the report and exited 0.
     */
    @Test
    void policiesAndBenchRefuseAReportOverAFileOfTheWorkload() throws IOException {
        Path w = dir.resolve("w");
        SyntheticWorkload.write(SyntheticWorkload.Spec.tiny(1).withTokens(50, 20), w, layer -> {});
        Path work = dir.resolve("work");
        for (String name : new String[] {
            SyntheticWorkload.SPEC_FILE,
            SyntheticWorkload.MODEL_FILE,
            SyntheticWorkload.CALIBRATION_TRACE,
            SyntheticWorkload.HELD_OUT_TRACE
        }) {
            Path file = w.resolve(name);
            byte[] before = Files.readAllBytes(file);
            for (String command : new String[] {"policies", "bench"}) {
                assertEquals(
                        "ripple: --json " + file + " is the input " + file + " (a file of --workload " + w
                                + "); writing it would destroy the input: give another --json",
                        CommandRuns.refusal(
                                command,
                                "--workload",
                                w.toString(),
                                "--json",
                                file.toString(),
                                "--work",
                                work.toString(),
                                "--quiet"),
                        command + " --json " + name);
            }
            assertArrayEquals(before, Files.readAllBytes(file), name + " is as it was");
        }
    }

    @Test
    void calibrateRefusesAReportOverTheFileItReads() throws IOException {
        Path file = Files.writeString(dir.resolve("data.bin"), "x".repeat(4096));
        assertEquals(
                "ripple: --out " + file + " is the input " + file
                        + " (--file); writing it would destroy the input: give another --out",
                CommandRuns.refusal(
                        "calibrate",
                        "--dir",
                        dir.toString(),
                        "--reader",
                        "pread",
                        "--file",
                        file.toString(),
                        "--out",
                        file.toString(),
                        "--quiet"));
        assertEquals("x".repeat(4096), Files.readString(file));
    }
}
