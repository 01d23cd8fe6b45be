package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.bench.cli.RippleCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** What every subcommand answers the same way: its version, and JMH's refusals as one line. */
class CommandLineBasicsTest {

    private String ignoreLock;

    /** JMH refuses to start while another JMH run holds /tmp/jmh.lock; these runs measure nothing. */
    @BeforeEach
    void ignoreOtherJmhRuns() {
        ignoreLock = System.setProperty("jmh.ignoreLock", "true");
    }

    @AfterEach
    void restore() {
        if (ignoreLock == null) {
            System.clearProperty("jmh.ignoreLock");
        } else {
            System.setProperty("jmh.ignoreLock", ignoreLock);
        }
    }

    @Test
    void everySubcommandPrintsTheVersionTheTopCommandPrints() {
        RippleRun top = RippleRun.succeeds("--version");
        assertFalse(top.out().isBlank(), "ripple --version printed nothing");
        for (String sub : new CommandLine(new RippleCommand()).getSubcommands().keySet()) {
            if (sub.equals("help") || sub.equals("jmh")) {
                continue; // help prints usage; jmh passes its options to JMH
            }
            RippleRun run = RippleRun.inProcess(sub, "--version");
            assertEquals(0, run.exit(), sub + ": " + run.err());
            assertEquals(top.out(), run.out(), "ripple " + sub + " --version");
        }
    }

    /**
     * {@code ripple jmh -h} is JMH's help (its options), not a usage line of ripple's; so is {@code
     * --help}, which every refusal's hint names ("see 'ripple jmh --help'") and JMH refused.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-h", "--help"})
    void jmhHelpIsJmhsOwn(String help) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        RippleRun run;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            run = RippleRun.inProcess("jmh", help);
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, run.exit(), run.err());
        assertFalse(run.out().contains("Usage: ripple jmh"), run.out());
        String jmh = printed.toString(StandardCharsets.UTF_8);
        assertTrue(jmh.contains("-prof") && jmh.contains("-wi"), "JMH's options: " + jmh);
    }

    /**
     * A benchmark whose setup fails (here {@code ReaderBenchmark}'s data directory is a file) is
     * reported by JMH and skipped; the run then ends with exit status 1 and one line naming it, not
     * 0 as though it had measured (until 2026-12-07: every trial of a {@code -p dataDir=} on a tmpfs
     * failed on O_DIRECT, and the run exited 0).
     */
    @Test
    void aJmhRunWhoseBenchmarkFailedExitsOneNamingIt(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        RippleRun run;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            run = RippleRun.inProcess(
                    "jmh",
                    "ReaderBenchmark.request",
                    "-p",
                    "dataDir=" + notADirectory,
                    "-p",
                    "reader=POSITIONAL",
                    "-p",
                    "queueDepth=1",
                    "-p",
                    "readBytes=4096",
                    "-f",
                    "0",
                    "-wi",
                    "0",
                    "-i",
                    "1",
                    "-r",
                    "100ms");
        } finally {
            System.setOut(stdout);
        }
        assertEquals(1, run.exit(), run.err() + printed);
        String line = run.err().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(
                line.contains("1 benchmark run(s) failed")
                        && line.contains("ReaderBenchmark.request")
                        && line.contains("reader=POSITIONAL"),
                line);
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains(notADirectory.toString()), "JMH printed why");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NoSuchBenchmarkAnywhere", "-zz"})
    void jmhRefusalsAreOneLineAndExitTwoWithoutEndingTheJvm(String arg) {
        RippleRun run = RippleRun.inProcess("jmh", arg);
        assertEquals(2, run.exit(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
        assertTrue(run.err().startsWith("ripple: "), run.err());
    }

    /**
     * A misspelt command or option beside {@code --help} is the usual refusal, exit 2: picocli let the
     * help hide it, so {@code ripple genrate --help} printed ripple's usage and exited 0.
     */
    @ParameterizedTest
    @CsvSource(
            delimiterString = " | ",
            value = {
                "genrate --help | ripple: Unmatched argument at index 0: 'genrate' (see 'ripple --help')",
                "generate --max-tokns 3 --help | ripple: Unknown options: '--max-tokns', '3' (see 'ripple generate"
                        + " --help')"
            })
    void anUnknownArgumentBesideHelpIsRefused(String args, String error) {
        RippleRun run = RippleRun.inProcess(args.split(" "));
        assertEquals(2, run.exit(), run.out());
        assertEquals(error, run.err().strip());
        assertEquals("", run.out(), "no usage printed as if the line were right");
    }
}
