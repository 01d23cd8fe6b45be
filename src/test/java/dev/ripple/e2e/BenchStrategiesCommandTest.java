package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple bench --strategies}: only the strategies chosen run, in the canonical order whatever
 * the order and case given, a name given twice runs once, only their placements are written, and
 * the tables and JSON hold them alone. Generated models keep it to seconds: the decoder bench on
 * tiny-opt (the placements of StrategyBench, which the encoder bench shares) and the workload bench
 * on a two-layer synthetic workload (the placements of WorkloadBench).
 */
class BenchStrategiesCommandTest {
    private static final List<String> ALL = List.of("naive", "llm-in-a-flash", "powerinfer", "ripple", "ripple+");

    @TempDir
    Path dir;

    @Test
    void aDecoderBenchRunsAndPlacesOnlyTheChosenStrategies() throws Exception {
        Path work = dir.resolve("work");
        Path json = dir.resolve("bench.json");
        RippleRun run = RippleRun.succeeds(DecoderSteps.shortBench(
                TinyOpt.dir(),
                work,
                "--strategies",
                "RIPPLE+,naive,Naive",
                // a fixed profile: no quick calibration of this machine's disk
                "--device",
                "ufs-4.0",
                "--json",
                json.toString()));
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        List<String> ran = names(doc.path("strategies"));
        assertEquals(List.of("naive", "ripple+"), ran, "canonical order, each once");
        assertEquals(ran, texts(doc.path("chosenStrategies")));
        // the decode table and the time table: a row each
        assertTableRows(run.out(), ran, 2);
        assertFalse(
                run.out().contains("share one file"),
                "naive and llm-in-a-flash share a file only when both run: " + run.out());
        assertEquals(
                Set.of("bench-identity.ripple", "bench-rippleplus.ripple"),
                filesStartingWith(work, "bench-"),
                "only the chosen strategies' placements are written");
    }

    @Test
    void aWorkloadBenchPlacesOnlyWhatTheChosenStrategiesRead() throws Exception {
        Path w = dir.resolve("workload");
        DecoderSteps.synthTinyWorkload(w, 300, 60);
        Path json = dir.resolve("bench.json");
        RippleRun run = RippleRun.succeeds(
                "bench",
                "--workload",
                w.toString(),
                "--strategies",
                "ripple,naive",
                "--device",
                "ufs-4.0",
                "--tokens",
                "20",
                "--budgets",
                "0.05,0.2",
                "--sweep-tokens",
                "10",
                "--work",
                dir.resolve("work").toString(),
                "--json",
                json.toString(),
                "--quiet");
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        List<String> ran = names(doc.path("strategies"));
        assertEquals(List.of("naive", "ripple"), ran);
        assertEquals(ran, texts(doc.path("chosenStrategies")));
        assertEquals(List.of("identity", "ripple"), field(doc.path("strategies"), "placement"));
        assertEquals(
                List.of("naive", "ripple", "naive", "ripple"),
                field(doc.path("budgetSweep"), "strategy"),
                "two budgets, the chosen two each");
        // the decode table and the budget sweep: a row each
        assertTableRows(run.out(), ran, 2);
        assertFalse(
                run.out().contains("ripple vs llm-in-a-flash"),
                "a comparison is printed only when both ran: " + run.out());
        assertEquals(
                Set.of("placed-ripple.ripple"),
                filesStartingWith(w, "placed-"),
                "the identity placement is the workload's own file; frequency and ripple+ are not placed");
    }

    /**
     * A name not of the five is one line naming the known ones, and a feature on the ripple+ file
     * without ripple+ is refused naming both options; both before any work (nothing is made in --work).
     */
    @Test
    void anUnknownNameOrAMissingRipplePlusIsRefusedBeforeAnyWork() throws Exception {
        Path work = dir.resolve("work");
        RippleRun unknown = RippleRun.inProcess(
                "bench", "--model", TinyOpt.dir().toString(), "--strategies", "naive,flash", "--work", work.toString());
        assertEquals(1, unknown.exit(), unknown.err());
        assertEquals(
                "ripple: --strategies: unknown strategy 'flash' (known: naive, llm-in-a-flash, powerinfer, ripple, "
                        + "ripple+)",
                unknown.err().strip());

        RippleRun policies = RippleRun.inProcess(
                "bench",
                "--model",
                TinyOpt.dir().toString(),
                "--strategies",
                "naive,ripple",
                "--compare-policies",
                "--work",
                work.toString());
        assertEquals(1, policies.exit(), policies.err());
        assertEquals(
                "ripple: --compare-policies replays the ripple+ file under every cache policy: add ripple+ to "
                        + "--strategies",
                policies.err().strip());
        assertFalse(Files.exists(work), "refused before anything is written");
    }

    /**
     * A workload bench (and a workload's policies) replays recorded sets: options for a model, its
     * text, predictor or generation are refused, named, instead of being ignored without a word.
     */
    @Test
    void aWorkloadBenchRefusesTheModelsOptions() throws Exception {
        Path w = Files.createDirectories(dir.resolve("workload"));
        RippleRun run = RippleRun.inProcess(
                "bench",
                "--workload",
                w.toString(),
                "--sentences",
                "7",
                "--compare-policies",
                "--dtypes",
                "q8_0",
                "--work",
                dir.resolve("work").toString());
        assertEquals(1, run.exit(), run.err());
        assertEquals(
                "ripple: --sentences, --compare-policies, --dtypes: not with --workload, which replays the workload's"
                        + " recorded active sets (no model, text or predictor); 'ripple policies --workload' compares"
                        + " the cache policies on it",
                run.err().strip());

        RippleRun policies = RippleRun.inProcess(
                "policies",
                "--workload",
                w.toString(),
                "--rule",
                "act > 0.2",
                "--work",
                dir.resolve("work").toString());
        assertEquals(1, policies.exit(), policies.err());
        assertEquals(
                "ripple: --rule: not with --workload, which replays the workload's recorded held-out stream (no model,"
                        + " text or profiling)",
                policies.err().strip());
    }

    /** Each of {@code ran} has {@code rows} table rows in {@code out}; the other strategies none. */
    private static void assertTableRows(String out, List<String> ran, int rows) {
        for (String name : ALL) {
            String row = String.format(Locale.ROOT, "%-15s ", name);
            long n = out.lines().filter(l -> l.startsWith(row)).count();
            assertEquals(ran.contains(name) ? rows : 0, n, name + "'s rows in: " + out);
        }
    }

    private static List<String> names(JsonNode strategies) {
        return field(strategies, "name");
    }

    /** The text of {@code key} in each object of {@code array}. */
    private static List<String> field(JsonNode array, String key) {
        List<String> out = new ArrayList<>();
        array.forEach(o -> out.add(o.path(key).asText()));
        return out;
    }

    private static List<String> texts(Iterable<JsonNode> values) {
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static Set<String> filesStartingWith(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return Set.copyOf(files.map(f -> f.getFileName().toString())
                    .filter(f -> f.startsWith(prefix))
                    .toList());
        }
    }
}
