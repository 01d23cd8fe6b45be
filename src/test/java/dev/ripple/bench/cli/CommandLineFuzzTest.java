package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ripple.core.tokenizer.UnsupportedChatTemplateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the {@code ripple} command line: argument vectors built by
 * {@link FuzzedArgv} from the fuzzer's bytes (a subcommand, its own options from picocli's model,
 * values from {@link NastyValues}, repeated options, bare options, stray flags) run in this JVM
 * with their output captured ({@link CapturedRun}), and every run must keep the promise of
 * README.md: exit 0, or a one-line error on stderr ({@code ripple: ...}) and exit 2 for a wrong
 * command line, 1 for a refusal while running. Findings: any other exit code; a stack trace
 * anywhere, or anything on stderr beyond that one line; exit 1 ended by anything but a typed
 * refusal ({@link #typedRefusal}: a bad value is an {@link IllegalArgumentException} naming it, a
 * bad file an {@link IOException}); a run longer than {@link #TIMEOUT} (every input here must fail
 * fast, as the inputs a command would work on are always bad: {@link FuzzedArgv#PINS}); a file or
 * directory created in the current directory.
 *
 * <p>Seeds: each fuzzed subcommand alone, and with each of its options given once (with a value
 * from the list, with one attached by '=', or bare, in turn); positional arguments and help/version
 * flags. {@code ./mvnw verify} replays them as a plain test ({@link #everySeedKeepsThePromise}):
 * the fuzz execution, with Jazzer's start and a seed replay at tens of runs a second, would add over
 * a minute to the build, so it runs only when {@code -Dripple.fuzz.cli.phase=test} binds it, as
 * {@code .ci/fuzz} does (docs/RELIABILITY.md). Crashes go to {@code CommandLineFuzzTestInputs}
 * and are replayed before each fuzzing run.
 */
class CommandLineFuzzTest {
    /** Longer than any refusal takes on a loaded 2-core machine (a JVM's first run loads picocli and ONNX Runtime). */
    static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("ripple.clifuzz.timeoutSeconds", 8));

    private static final NastyValues VALUES = NastyValues.inScratch();
    private static final FuzzedArgv ARGV = new FuzzedArgv(VALUES);

    static {
        warmUp();
    }

    /**
     * Runs each subcommand once on its pinned bad input, unchecked and with a long limit: the
     * first run of a JVM loads picocli, Jackson, the embedded text and the rest (seconds, on a
     * loaded machine), which is not what {@link #TIMEOUT} is there to catch.
     */
    private static void warmUp() {
        for (int c = 0; c < ARGV.commands().size(); c++) {
            CapturedRun.of(ARGV.decode(new byte[] {(byte) c, 3}), Duration.ofMinutes(2));
        }
    }

    static Stream<byte[]> seeds() {
        Stream.Builder<byte[]> seeds = Stream.builder();
        List<String> commands = ARGV.commands();
        for (int c = 0; c < commands.size(); c++) {
            seeds.add(new byte[] {(byte) c, (byte) c});
            int options = ARGV.optionCount(commands.get(c));
            for (int o = 0; o < options; o++) { // given a value, given one attached with '=', or bare
                int kind = new int[] {0, 0x80, 6}[o % 3];
                seeds.add(new byte[] {(byte) c, (byte) o, (byte) kind, (byte) o, (byte) (o * 7 + c)});
                if (commands.get(c).equals("inspect")) { // on the valid file too
                    seeds.add(new byte[] {(byte) c, 0, (byte) kind, (byte) o, (byte) (o * 7 + c)});
                }
            }
            seeds.add(new byte[] {(byte) c, 1, 5, (byte) (c * 3), 7, (byte) c});
        }
        return seeds.build();
    }

    /**
     * The seeds, in the default build: the fuzz execution that would replay them is not part of
     * {@code ./mvnw verify} for this target (docs/RELIABILITY.md), only of {@code .ci/fuzz}.
     */
    @Test
    void everySeedKeepsThePromise() throws IOException {
        Set<String> reached = new HashSet<>();
        for (byte[] seed : seeds().toList()) {
            List<String> args = ARGV.decode(seed);
            runAndCheck(args);
            reached.add(args.isEmpty() ? "" : args.getFirst());
        }
        assertTrue(
                reached.containsAll(ARGV.commands().subList(1, ARGV.commands().size())), reached.toString());
        List<Path> findings = findings();
        assertTrue(!findings.isEmpty(), "the committed findings are on the class path");
        for (Path finding : findings) {
            runAndCheck(ARGV.decode(Files.readAllBytes(finding)));
        }
    }

    /** The findings kept in {@code CommandLineFuzzTestInputs}, which Jazzer replays before it fuzzes. */
    static List<Path> findings() throws IOException {
        URL dir = CommandLineFuzzTest.class.getResource("CommandLineFuzzTestInputs/badCommandLinesFailFastInOneLine");
        if (dir == null) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(Path.of(URI.create(dir.toString())))) {
            return s.sorted().toList();
        }
    }

    /**
     * The pins do what they are for: a subcommand given nothing else refuses its bad input, exit 1
     * or 2; and the one valid file is valid, so that fuzzing {@code inspect} gets past it.
     */
    @Test
    void everyPinnedSubcommandRefusesOnItsOwn() {
        int inspect = ARGV.commands().indexOf("inspect");
        CapturedRun valid = runAndCheck(ARGV.decode(new byte[] {(byte) inspect, 0, 0x40, 0}));
        assertEquals(List.of("inspect", VALUES.validModel().toString(), "--verify"), valid.args());
        assertEquals(0, valid.exit(), valid.err());
        List<String> commands = ARGV.commands();
        for (int c = 0; c < commands.size(); c++) {
            CapturedRun r = runAndCheck(ARGV.decode(new byte[] {(byte) c, 3}));
            if (!commands.get(c).equals("help")) {
                assertTrue(r.exit() != 0, "ripple " + CapturedRun.quoted(r.args()) + " exited 0: " + r.out());
            }
        }
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void badCommandLinesFailFastInOneLine(byte[] input) {
        VALUES.reset();
        runAndCheck(ARGV.decode(input));
    }

    /**
     * Runs {@code args} and holds the run to the promise; while fuzzing, the current directory
     * unchanged too. That part is left out of the default build: its test JVMs share the module's
     * directory (surefire's forkCount 2), so another class's command, run meanwhile with the default
     * {@code --work}, would make a directory there that this run did not. The fuzzing JVM
     * ({@code .ci/fuzz}) runs this target alone.
     */
    static CapturedRun runAndCheck(List<String> args) {
        Set<String> before = currentDirectory();
        CapturedRun r = CapturedRun.of(args, TIMEOUT);
        check(r);
        if (FUZZING) {
            assertEquals(
                    before, currentDirectory(), "created in the current directory: ripple " + CapturedRun.quoted(args));
        }
        return r;
    }

    /** Whether Jazzer fuzzes in this JVM (the build's fuzz executions set JAZZER_FUZZ), alone. */
    private static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null;

    /** Holds {@code r} to the promise (see the class comment); the failure message names the argument vector. */
    static void check(CapturedRun r) {
        String argv = "ripple " + CapturedRun.quoted(r.args()) + "\nexit " + r.exit() + "\nstderr: " + r.err()
                + "\nSystem.err/out: " + r.systemErr();
        for (String printed : List.of(r.err(), r.systemErr(), r.out())) {
            assertTrue(
                    !printed.contains("\tat ") && !printed.contains("Exception in thread"), "a stack trace: " + argv);
        }
        assertTrue(r.exit() == 0 || r.exit() == 1 || r.exit() == 2, "an undocumented exit code: " + argv);
        assertTrue(r.took().compareTo(TIMEOUT) < 0, "took " + r.took() + ": " + argv);
        if (r.exit() != 0) {
            String line = r.err().strip();
            assertEquals(1, line.lines().count(), "not one line: " + argv);
            assertTrue(line.startsWith("ripple: ") && line.length() > "ripple: ".length(), argv);
            assertTrue(!line.contains("internal error"), "an untyped failure: " + argv);
            assertTrue(
                    r.systemErr().lines().allMatch(CommandLineFuzzTest::progressLine),
                    "more than the one line: " + argv);
        }
        if (r.exit() == 2) {
            assertEquals(null, r.failure(), "exit 2 is for the parser's refusals: " + argv);
        }
        if (r.exit() == 1) {
            Throwable f = r.failure();
            if (f == null || !typedRefusal(f)) {
                throw new AssertionError("exit 1 not from a typed refusal: " + argv, f);
            }
        }
    }

    /**
     * The refusals a command may end in: a bad value is an {@link IllegalArgumentException} (the
     * settings' own typed ones among them) whose message names it, a bad file an
     * {@link IOException} (the readers' format exceptions among them) or its unchecked wrapper, an
     * unknown chat template its own exception. A {@link NumberFormatException} is not one: its
     * "For input string" names no option, so a command must catch it and say which option was wrong.
     */
    static boolean typedRefusal(Throwable t) {
        if (t instanceof NumberFormatException) {
            return false;
        }
        return t instanceof IllegalArgumentException
                || t instanceof IOException
                || t instanceof UncheckedIOException
                || t instanceof UnsupportedChatTemplateException;
    }

    /**
     * A line {@link CliProgress} prints in a log when a step starts or ends (how long it ran: not a
     * claim that it succeeded), a blank one, or one Jazzer's agent prints when it instruments a
     * class the run loaded (fuzzing mode only).
     */
    static boolean progressLine(String line) {
        return line.isBlank()
                || (line.startsWith("ripple: ") && line.endsWith(" ..."))
                || line.matches("ripple: .* ended after [0-9.]+ s")
                || line.startsWith("INFO: Instrumented ");
    }

    private static Set<String> currentDirectory() {
        try (Stream<Path> s = Files.list(Path.of(""))) {
            return new HashSet<>(s.map(Path::toString).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
