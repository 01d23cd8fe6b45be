package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --workload} and {@code policies --workload} given no {@code --device} profile this
 * machine's storage first; the profile must be of the storage the workload's files are read from,
 * not of {@code --work}'s. Until 2026-12-07 they profiled {@code --work}: a work directory on
 * another disk gave the run another disk's cost model (its planning and "model ms"), and one on a
 * tmpfs failed the run with O_DIRECT's refusal, advising the pread reader the run may already have
 * used.
 */
class QuickProfileStorageTest {
    @TempDir
    Path dir;

    @Test
    void theQuickProfileIsOfTheWorkloadsStorageNotOfTheWorkDirectory() throws Exception {
        Path w = dir.resolve("workload");
        DecoderSteps.synthTinyWorkload(w, 200, 20);
        Path work = Files.createDirectories(dir.resolve("elsewhere"));
        Path json = dir.resolve("bench.json");
        RippleRun.succeeds(benchNaive(w, work, "--json", json.toString()));
        assertProfiledIn(w, json);

        Path pjson = dir.resolve("policies.json");
        RippleRun.succeeds(
                "policies",
                "--workload",
                w.toString(),
                "--work",
                work.toString(),
                "--tokens",
                "4",
                "--repeats",
                "1",
                "--policies",
                "lru",
                "--quiet",
                "--json",
                pjson.toString());
        assertProfiledIn(w, pjson);
    }

    @Test
    void aWorkDirectoryOnTmpfsDoesNotFailARunOnADisk() throws Exception {
        Path shm = tmpfs();
        Path w = dir.resolve("workload");
        DecoderSteps.synthTinyWorkload(w, 200, 20);
        Path work = Files.createTempDirectory(shm, "ripple-quick-profile");
        try {
            RippleRun.succeeds(benchNaive(w, work));
        } finally {
            Files.deleteIfExists(work);
        }
    }

    @Test
    void aWorkloadOnTmpfsWithoutADeviceIsRefusedSayingToGiveOne() throws Exception {
        Path w = Files.createTempDirectory(tmpfs(), "ripple-quick-profile");
        try {
            DecoderSteps.synthTinyWorkload(w, 200, 20);
            RippleRun run = RippleRun.inProcess(benchNaive(w, dir, "--reader", "pread"));
            assertEquals(1, run.exit(), run.err());
            String line = run.err().strip();
            assertFalse(line.contains("\n"), line);
            assertTrue(line.contains(w.toString()) && line.contains("no device was given"), line);
            assertTrue(line.contains("--device"), "says what to do: " + line);
            assertFalse(line.contains("use the positional or mmap reader"), "pread was used: " + line);
        } finally {
            try (var files = Files.list(w)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(w);
        }
    }

    /** {@code bench} of the naive strategy on 4 tokens of the workload {@code w}, with {@code more} options. */
    private static String[] benchNaive(Path w, Path work, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "bench",
                "--workload",
                w.toString(),
                "--work",
                work.toString(),
                "--tokens",
                "4",
                "--budgets",
                "none",
                "--strategies",
                "naive",
                "--no-plots",
                "--quiet"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** The quick profile's source names the directory it measured: the workload's. */
    private static void assertProfiledIn(Path workload, Path json) throws IOException {
        String source = new ObjectMapper()
                .readTree(json.toFile())
                .path("device")
                .path("source")
                .asText();
        assertTrue(source.contains("on " + workload + " ("), "profiled the workload's storage: " + source);
    }

    /**
     * A writable tmpfs, where O_DIRECT reaches no device: /dev/shm, which every Linux the suite runs
     * on has (glibc's shared memory lives there). Asserted, not assumed: a skip would leave the
     * refusal on a tmpfs untested without a word.
     */
    private static Path tmpfs() throws IOException {
        Path shm = Path.of("/dev/shm");
        assertTrue(
                Files.isDirectory(shm)
                        && Files.isWritable(shm)
                        && "tmpfs".equals(Files.getFileStore(shm).type()),
                "needs a writable tmpfs at /dev/shm");
        return shm;
    }
}
