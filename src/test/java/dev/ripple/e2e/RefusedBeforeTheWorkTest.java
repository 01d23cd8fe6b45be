package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a bench would refuse after its work is refused before it, in the same words: a --json file
 * its directory will not take (the report is written last), and a --dram budget below what the
 * model's import already needs (the placed files need at least as much). Before, both were told
 * only once the profiling and placing (or the whole bench) were done.
 */
class RefusedBeforeTheWorkTest {
    @TempDir
    static Path dir;

    @Test
    void aJsonFileItsDirectoryWillNotTakeIsRefusedBeforeTheBench() {
        // /proc passes a mode check for root but takes no new file: only trying tells
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc) && !Files.exists(proc.resolve("w.json")), "Linux's /proc");
        Path workload = dir.resolve("workload");
        DecoderSteps.synthTinyWorkload(workload, 200, 40);
        Path work = dir.resolve("json-work");
        RippleRun refused = RippleRun.inProcess(
                "bench",
                "--workload",
                workload.toString(),
                "--json",
                "/proc/w.json",
                "--work",
                work.toString(),
                "--quiet");
        String err = refused.refusal();
        assertTrue(err.startsWith("ripple: /proc/w.json: cannot be written"), err);
        assertFalse(Files.exists(work), "refused before the bench made its work directory");
    }

    /** The same for profile's --out: the trace is written after the profiling, the import before it. */
    @Test
    void aTraceItsDirectoryWillNotTakeIsRefusedBeforeTheImport() {
        assumeTrue(Files.isDirectory(Path.of("/proc")), "Linux's /proc");
        Path work = dir.resolve("profile-work");
        RippleRun refused = RippleRun.inProcess(
                "profile",
                "--model",
                TinyOpt.dir().toString(),
                "--out",
                "/proc/t.rtrace",
                "--work",
                work.toString(),
                "--quiet");
        String err = refused.refusal();
        assertTrue(err.startsWith("ripple: /proc/t.rtrace: cannot be written"), err);
        assertFalse(Files.exists(work), "refused before the import into the work directory");
    }

    /**
     * The check of an output's directory made the missing directories and left them when the
     * command was refused after it: {@code profile --text blank.txt --out nd/sub/t.rtrace} left
     * {@code nd/sub}.
     */
    @Test
    void aRefusedProfileLeavesNoDirectoryOfItsOut() throws IOException {
        Path blank = Files.writeString(dir.resolve("blank.txt"), "\n\n");
        Path nd = dir.resolve("nd");
        RippleRun refused = RippleRun.inProcess(
                "profile",
                "--text",
                blank.toString(),
                "--out",
                nd.resolve("sub").resolve("t.rtrace").toString(),
                "--work",
                dir.resolve("blank-work").toString(),
                "--quiet");
        assertEquals(1, refused.exit(), refused.err());
        assertFalse(Files.exists(nd), "the check made " + nd + " and left it");
    }

    @Test
    void aDramBudgetBelowTheImportsNeedsIsRefusedBeforeProfilingAndPlacing() throws IOException {
        Path work = dir.resolve("dram-work");
        RippleRun refused = RippleRun.inProcess(DecoderSteps.shortBench(TinyOpt.dir(), work, "--dram", "1k"));
        String err = refused.refusal();
        assertTrue(err.startsWith("ripple: a DRAM budget of 1.0 KiB is below what "), err);
        assertTrue(err.contains("give at least"), err);
        try (Stream<Path> files = Files.list(work)) {
            assertTrue(
                    files.noneMatch(f -> f.getFileName().toString().startsWith("bench-")),
                    "nothing placed before the refusal");
        }
    }

    /**
     * An encoder's budget below what its import alone keeps in memory: refused once the ONNX model
     * is imported, before the calibration profile; it was refused after the profiles and the five
     * placed files.
     */
    @Test
    void anEncodersDramBudgetBelowItsImportIsRefusedBeforeProfiling() throws IOException {
        Path work = dir.resolve("encoder-dram-work");
        String err = RippleRun.inProcess("bench", "--dram", "1MiB", "--work", work.toString(), "--no-plots", "--quiet")
                .refusal();
        assertTrue(err.startsWith("ripple: a DRAM budget of 1.0 MiB is below the "), err);
        assertTrue(err.contains("give more than"), err);
        try (Stream<Path> files = Files.exists(work) ? Files.walk(work) : Stream.empty()) {
            assertTrue(
                    files.map(f -> f.getFileName().toString())
                            .noneMatch(f -> f.startsWith("bench-") || f.endsWith(".rtrace")),
                    "nothing profiled or placed before the refusal");
        }
    }
}
