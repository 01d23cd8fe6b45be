package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.io.nativeio.PageCache;
import dev.ripple.placement.synthetic.SyntheticWorkload;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every label of a benchmark's output says what ran: a page-cache reader's passes are called cold
 * only when the file was evicted, an io_uring run that fell back to the direct reader says so and is
 * not judged as io_uring, and a queue depth beyond the device profile's deepest is noted. Child JVMs
 * turn native I/O or io_uring off, as a user on a machine without them would have it.
 */
class HonestLabelsTest {
    @TempDir
    static Path dir;

    static Path workload;

    @BeforeAll
    static void synth() {
        workload = dir.resolve("workload");
        DecoderSteps.synthTinyWorkload(workload, 200, 40);
    }

    /** bench --workload with the pread reader on this machine's disk (quick profile), --json into {@code json}. */
    private static String[] preadBench(Path work, Path json) {
        return new String[] {
            "bench",
            "--workload",
            workload.toString(),
            "--reader",
            "pread",
            "--tokens",
            "10",
            "--budgets",
            "none",
            "--work",
            work.toString(),
            "--json",
            json.toString(),
            "--quiet"
        };
    }

    @Test
    void aWorkloadBenchWithAPageCacheReaderEvictsBeforeItsPassesAndCalibratesItsDepth() throws Exception {
        Path work = dir.resolve("pread");
        Path json = dir.resolve("pread.json");
        RippleRun run = RippleRun.succeeds(preadBench(work, json));
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        PageCache.Eviction e = PageCache.attempt(workload.resolve(SyntheticWorkload.MODEL_FILE));
        assertEquals(e.evicted() ? "evicted" : "warm", doc.path("passStart").asText(), doc.toString());
        assertEquals("pread", doc.path("reader").asText());
        assertFalse(run.out().contains("O_DIRECT"), "pread reads through the page cache: " + run.out());
        assertTrue(
                run.out()
                        .contains(
                                e.evicted()
                                        ? "I/O: pread reads (file evicted from the page cache before every pass);"
                                                + " naive and llm-in-a-flash share one file, so in the interleaved"
                                                + " passes the second to read a bundle may find it cached"
                                        : "I/O: pread reads (file NOT evicted"),
                run.out());
        // the bench's own quick profile measures the run's queue depth (8) beside the quick grid's 1
        // and 4, so its reads are planned on their own depth's line and nothing needs a note
        assertFalse(run.out().contains("NOTE: queue depth"), run.out());
        assertTrue(doc.path("queueDepthNote").isMissingNode(), doc.toString());
    }

    /** One child JVM with native I/O off runs the bench, the policies and the calibration. */
    @Test
    void withNativeIoDisabledNothingIsCalledCold() throws Exception {
        Path json = dir.resolve("warm.json");
        Path pjson = dir.resolve("warm-policies.json");
        List<RippleRun> runs = RippleRun.childJvmRuns(
                List.of("-Dripple.nativeio.disabled=true"),
                dir,
                List.of(
                        List.of(preadBench(dir.resolve("warm"), json)),
                        List.of(
                                "policies",
                                "--workload",
                                workload.toString(),
                                "--reader",
                                "pread",
                                "--tokens",
                                "10",
                                "--repeats",
                                "1",
                                "--work",
                                dir.resolve("warm-policies").toString(),
                                "--json",
                                pjson.toString(),
                                "--quiet"),
                        List.of(
                                "calibrate",
                                "--dir",
                                dir.toString(),
                                "--reader",
                                "pread",
                                "--file-mib",
                                "1",
                                "--quick",
                                "--queue-depths",
                                "1",
                                "--seconds-per-point",
                                "0.1",
                                "--quiet")));
        RippleRun bench = runs.get(0);
        assertEquals(0, bench.exit(), bench.err());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals("warm", doc.path("passStart").asText(), doc.toString());
        assertTrue(doc.path("passStartReason").asText().contains("ripple.nativeio.disabled"), doc.toString());
        assertTrue(bench.out().contains("pread reads (file NOT evicted from the page cache"), bench.out());
        assertFalse(bench.out().contains("evicted from the page cache before every pass"), bench.out());

        RippleRun policies = runs.get(1);
        assertEquals(0, policies.exit(), policies.err());
        assertTrue(policies.out().contains("pread reads (file NOT evicted"), policies.out());
        assertTrue(policies.out().contains("this machine's disk (pread, file NOT evicted"), policies.out());
        assertEquals(
                "warm",
                new ObjectMapper().readTree(pjson.toFile()).path("passStart").asText());

        RippleRun calibrate = runs.get(2);
        assertEquals(0, calibrate.exit(), calibrate.err());
        assertTrue(calibrate.out().contains("page cache NOT evicted (native I/O disabled"), calibrate.out());
        assertFalse(calibrate.out().contains("O_DIRECT"), calibrate.out());
        // 0.1 s of 4 KiB reads is far more than a 1 MiB file: the point warms the cache it measures
        assertTrue(
                calibrate.out().contains("WARNING: the file (1.0 MiB) is smaller than the data read per point"),
                calibrate.out());
    }

    @Test
    void anIoUringRunThatFellBackToTheDirectReaderSaysSoAndIsNotJudgedAsIoUring() throws Exception {
        Path json = dir.resolve("uring.json");
        List<RippleRun> runs = RippleRun.childJvmRuns(
                List.of("-Dripple.iouring.disabled=true"),
                dir,
                List.of(
                        List.of(
                                "calibrate",
                                "--dir",
                                dir.toString(),
                                "--reader",
                                "io_uring,direct",
                                "--file-mib",
                                "8",
                                "--quick",
                                "--queue-depths",
                                "1",
                                "--seconds-per-point",
                                "0.05",
                                "--quiet"),
                        List.of(
                                "bench",
                                "--workload",
                                workload.toString(),
                                "--reader",
                                "io_uring",
                                "--queue-depth",
                                "4",
                                "--tokens",
                                "10",
                                "--budgets",
                                "none",
                                "--work",
                                dir.resolve("uring").toString(),
                                "--json",
                                json.toString(),
                                "--quiet")));
        RippleRun calibrate = runs.get(0);
        assertEquals(0, calibrate.exit(), calibrate.err());
        assertTrue(calibrate.out().contains("io_uring: direct ran, page cache bypassed (O_DIRECT)"), calibrate.out());
        assertTrue(calibrate.out().contains("no io_uring goal is judged"), calibrate.out());
        assertFalse(calibrate.out().contains("thread-pool reader's (goal"), calibrate.out());

        RippleRun bench = runs.get(1);
        assertEquals(0, bench.exit(), bench.err());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals("direct", doc.path("reader").asText(), doc.toString());
        assertEquals("io_uring", doc.path("readerAsked").asText(), doc.toString());
        assertTrue(doc.path("readerFallback").asText().startsWith("io_uring unavailable"), doc.toString());
        assertTrue(bench.out().contains("I/O: direct (io_uring asked for; io_uring unavailable"), bench.out());
        assertFalse(bench.out().contains("NOTE: queue depth"), "depth 4 is within the quick profile: " + bench.out());
        assertTrue(doc.path("queueDepthNote").isMissingNode(), doc.toString());
    }
}
