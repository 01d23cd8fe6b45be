package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.bench.harness.MachineFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The command line a report records reads back in a shell as the arguments that were given. */
class RunInfoTest {
    @Test
    void argumentsAreQuotedOnlyWhereAShellNeedsIt() {
        assertEquals(
                "ripple bench --rule 'act > -0.05' --json b.json --text 'it'\\''s here.txt' --dram 2GiB",
                RunInfo.commandLine(List.of(
                        "bench",
                        "--rule",
                        "act > -0.05",
                        "--json",
                        "b.json",
                        "--text",
                        "it's here.txt",
                        "--dram",
                        "2GiB")));
        assertEquals("''", RunInfo.quoted(""));
    }

    @Test
    void theLoadAverageIsReadWhereTheMachineGivesOne() {
        double load = MachineFacts.loadAverage();
        if (Files.isReadable(Path.of("/proc/loadavg"))) {
            assertTrue(load >= 0, "Linux gives one: " + load);
            String summary = MachineFacts.summary(load, -1);
            assertTrue(summary.startsWith(MachineFacts.cores() + " processors, "), summary);
            assertTrue(
                    summary.endsWith(String.format(Locale.ROOT, "load average %.2f at start, unknown at end", load)),
                    summary);
        } else {
            assertEquals(-1, load);
        }
    }
}
