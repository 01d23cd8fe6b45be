package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ripple calibrate} prints and saves, on short settings: fio named only when it ran,
 * "not measured" as JSON null, one name per reader, the cost model and the date in the text, and
 * the device profile saved as every other output is.
 */
class CalibrateOutputTest {
    @TempDir
    Path dir;

    @Test
    void readersWithoutFioSayNothingOfFioAndLeaveItsGoalNull() throws Exception {
        String[] args = {
            "calibrate",
            "--dir",
            dir.toString(),
            "--reader",
            "direct,io_uring",
            "--file-mib",
            "4",
            "--queue-depths",
            "1",
            "--quick",
            "--seconds-per-point",
            "0.02",
            "--quiet"
        };
        RippleRun text = RippleRun.succeeds(args);
        assertFalse(text.out().contains("fio"), text.out());
        assertTrue(text.out().startsWith("readers on ") && text.out().contains(" UTC"), text.out());

        Path out = dir.resolve("readers.json");
        RippleRun json = RippleRun.succeeds(concat(args, "--json", "--out", out.toString()));
        JsonNode goal = new ObjectMapper().readTree(out.toFile()).path("goals").get(0);
        assertTrue(goal.get("uringOverFio").isNull() && goal.get("iopsMet").isNull(), goal.toString());
        assertFalse(json.out().contains("\"NaN\""), json.out());
    }

    /**
     * An {@code --out} that cannot be written is refused before the measuring, in both modes: the
     * device's profile and the readers' report were written only after it, so the refusal came
     * after the minutes it took. Each run here would measure for at least 15 s.
     */
    @Test
    void anOutThatCannotBeWrittenIsRefusedBeforeTheMeasuring() {
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc) && !Files.exists(proc.resolve("x.json")), "Linux's /proc");
        String[][] runs = {
            {"calibrate", "--dir", dir.toString(), "--quick", "--seconds-per-point", "3", "--out", "/proc/x.json"},
            {
                "calibrate",
                "--dir",
                dir.toString(),
                "--reader",
                "pread",
                "--file-mib",
                "4",
                "--queue-depths",
                "1,2,4,8,16",
                "--seconds-per-point",
                "3",
                "--out",
                "/proc/x.json"
            }
        };
        for (String[] args : runs) {
            long start = System.nanoTime();
            RippleRun refused = RippleRun.inProcess(args);
            double seconds = (System.nanoTime() - start) / 1e9;
            String err = refused.refusal(); // no progress line: nothing was measured
            assertTrue(err.startsWith("ripple: /proc/x.json: cannot be written"), err);
            assertTrue(seconds < 10, "refused in " + seconds + " s, before the measuring");
        }
    }

    @Test
    void aReaderHasTheCommandLinesNameInItsJson() throws Exception {
        for (String reader : new String[] {"pread", "mmap"}) {
            RippleRun run = RippleRun.succeeds(
                    "calibrate",
                    "--dir",
                    dir.toString(),
                    "--reader",
                    reader,
                    "--file-mib",
                    "1",
                    "--queue-depths",
                    "1",
                    "--quick",
                    "--seconds-per-point",
                    "0.02",
                    "--json",
                    "--quiet");
            JsonNode doc = new ObjectMapper().readTree(run.out());
            assertEquals(reader, doc.path("reader").asText(), run.out());
            assertTrue(
                    doc.path("readerAsked").isMissingNode(),
                    run.out()); // as ReaderRan writes it: asked only when another ran
            assertTrue(doc.path("requested").isMissingNode(), run.out());
        }
    }

    @Test
    void theDeviceProfileIsSavedWithTheUsualPermissionsAndTheTextShowsTheCostModel() throws Exception {
        RippleRun run = RippleRun.succeeds(
                "calibrate", "--dir", dir.toString(), "--quick", "--seconds-per-point", "0.01", "--quiet");
        assertTrue(run.out().contains("cost model (fitted:") && run.out().contains("max relative error"), run.out());
        assertTrue(run.out().lines().findFirst().orElseThrow().contains(" UTC, saved to "), run.out());
        String how = run.out().lines().skip(1).findFirst().orElseThrow();
        assertTrue(
                how.startsWith("calibrated with O_DIRECT reads on " + dir) && how.contains("16 MiB test file"),
                "the text says how it measured, as the profile's source does: " + run.out());
        Path usual = Files.writeString(dir.resolve("plain.txt"), "x"); // the umask's permissions
        assertEquals(
                PosixFilePermissions.toString(Files.getPosixFilePermissions(usual)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("device-profile.json"))));
    }

    /**
     * With {@code --json} the profile is printed and saved, and stderr says where: the saved file is
     * what generate finds beside the models, and it was overwritten without a word.
     */
    @Test
    void theJsonFormSaysWhereTheProfileWasSaved() throws Exception {
        RippleRun run = RippleRun.succeeds(
                "calibrate", "--dir", dir.toString(), "--quick", "--seconds-per-point", "0.01", "--json", "--quiet");
        JsonNode printed = new ObjectMapper().readTree(run.out());
        assertEquals(
                printed,
                new ObjectMapper().readTree(dir.resolve("device-profile.json").toFile()));
        assertEquals(
                "device profile saved to " + dir.resolve("device-profile.json"),
                run.err().strip());
    }

    @Test
    void anUnwritableDestinationIsNamedWithoutTheTemporaryFile() {
        RippleRun run = RippleRun.inProcess(
                "calibrate",
                "--dir",
                dir.toString(),
                "--quick",
                "--seconds-per-point",
                "0.01",
                "--out",
                "/proc/y.json",
                "--quiet");
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().startsWith("ripple: /proc/y.json") && !run.err().contains("tmp"), run.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
