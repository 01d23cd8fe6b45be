package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ripple.bench.harness.StrategyBench;
import dev.ripple.core.activity.LowRankPredictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An option the run would ignore in its mode is refused, in one line naming it and the mode that
 * takes it, before any work: a decoder's bench given an encoder's sweep, an encoder's given a
 * decoder's prompt lengths, a bench given the low-rank predictor's margin beside another
 * predictor, a low-rank place given training settings (or a margin without a predictor), a
 * tradeoff given the settings of a part it skips, policies given linking's eviction policy without
 * linking, a tokenizer given for the embedded model. They used to run as if the option had not been given ('_' in a row is a
 * space within one argument; 'd' a decoder checkpoint directory, 't.rtrace' a trace, 'w' a
 * workload, 'tk.json' a tokenizer, all empty: never read).
 */
class ModeOptionsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiterString = " | ",
            quoteCharacter = '"',
            value = {
                "bench --model d --budgets 0.1 --compare-policies | --budgets, --compare-policies: for an ONNX"
                        + " encoder, not a decoder, whose bench generates from held-out prompts (--sentences,"
                        + " --prompt-tokens, --decode-tokens)",
                "bench --model d --tokens 100 --sweep-tokens 50 | --tokens, --sweep-tokens: for an ONNX encoder, not"
                        + " a decoder, whose bench generates from held-out prompts (--sentences, --prompt-tokens,"
                        + " --decode-tokens)",
                "bench --prompt-tokens 9 --decode-tokens 4 | --prompt-tokens, --decode-tokens: decoders only (a"
                        + " --model checkpoint directory); an ONNX encoder's bench generates nothing",
                "bench --dram 64MiB --cache-fraction 0.3 | --cache-fraction: not with --dram, whose budget sizes"
                        + " the bundle cache (the --budgets sweep keeps its own shares)",
                "bench --model d --dram 64MiB --cache-fraction 0.3 | --cache-fraction: not with --dram, whose budget"
                        + " sizes the bundle cache (the --budgets sweep keeps its own shares)",
                // the policies' table replays at the --dram budget too
                "bench --dram 64MiB --compare-policies --cache-fraction 0.3 | --cache-fraction: not with --dram,"
                        + " whose budget sizes the bundle cache (the --budgets sweep keeps its own shares)",
                "bench --predictor oracle --margin 2 | --margin: only with --predictor lowrank, whose sets it"
                        + " widens; --predictor oracle reads the true active sets",
                "bench --predictor trained --margin 2 | --margin: only with --predictor lowrank, whose sets it"
                        + " widens; --predictor trained keeps the thresholds it was trained to",
                "bench --model d --predictor oracle --margin 0.5 | --margin: only with --predictor lowrank, whose"
                        + " sets it widens; --predictor oracle reads the true active sets",
                "bench --model d --predictor dense --margin 2 | --margin: only with --predictor lowrank, whose sets"
                        + " it widens; --predictor dense computes every neuron",
                "bench --model d --predictor dense --no-fill-in | --no-fill-in: not with --predictor dense, which"
                        + " computes every neuron: none is left to fill in",
                "place --trace t.rtrace --out o.ripple --rank 0 --margin 2 | --margin: not with --rank 0, which"
                        + " stores no low-rank predictor",
                "place --trace t.rtrace --out o.ripple --tokenizer tk.json | --tokenizer: only with --model; the"
                        + " embedded all-MiniLM-L6-v2 runs with its own tokenizer",
                "profile --out o.rtrace --tokenizer tk.json | --tokenizer: only with --model; the embedded"
                        + " all-MiniLM-L6-v2 runs with its own tokenizer",
                "profile --out o.rtrace --ahead-moments | --ahead-moments: decoders only: an ONNX encoder has no"
                        + " read-ahead",
                // refused before the work directory is made, as every row here checks
                "bench --tokenizer tk.json | --tokenizer: only with --model; the embedded all-MiniLM-L6-v2 runs with"
                        + " its own tokenizer",
                "demo --tokenizer tk.json | --tokenizer: only with --model; the embedded all-MiniLM-L6-v2 runs with"
                        + " its own tokenizer",
                "tradeoff --tokenizer tk.json | --tokenizer: only with --model; the embedded all-MiniLM-L6-v2 runs"
                        + " with its own tokenizer",
                "policies --tokenizer tk.json | --tokenizer: only with --model; the embedded all-MiniLM-L6-v2 runs"
                        + " with its own tokenizer",
                "place --trace t.rtrace --out o.ripple --train-tokens 5 --seed 3 | --train-tokens, --seed: only with"
                        + " --predictor trained, which trains a predictor per layer; the low-rank one is fitted to the"
                        + " trace",
                "place --trace t.rtrace --out o.ripple --train-recall 0.5 --train-epochs 1 | --train-recall,"
                        + " --train-epochs: only with --predictor trained, which trains a predictor per layer; the"
                        + " low-rank one is fitted to the trace",
                "tradeoff --trained-epochs 3 --trained-from random | --trained-from, --trained-epochs: only with"
                        + " --trained RULE, which trains the predictors they set",
                "tradeoff --trained-recalls 0.9 --trained-hidden 8 --trained-rate 0.01 | --trained-recalls,"
                        + " --trained-hidden, --trained-rate: only with --trained RULE, which trains the predictors"
                        + " they set",
                "tradeoff --trained act_>_0 --trained-hidden 8 | --trained-hidden: only with --trained-from random;"
                        + " a predictor trained from the low-rank factors is --rank wide",
                "tradeoff --predictor-only --predictor-rule act_>_0 --fractions 0.3 --error-targets 0.2 | --fractions,"
                        + " --error-targets: not with --predictor-only, which skips the rule sweep whose thresholds"
                        + " they calibrate",
                "policies --policies lru,lfu --linking-inner lfu | --linking-inner: only with linking among"
                        + " --policies, the policy it evicts under",
                "policies --workload w --policies none,s3fifo --linking-inner lru | --linking-inner: only with"
                        + " linking among --policies, the policy it evicts under",
            })
    void anOptionTheModeIgnoresIsRefusedNamingTheModeThatTakesIt(String command, String line) throws IOException {
        Path work = dir.resolve("work");
        Files.createDirectory(dir.resolve("d"));
        Files.createFile(dir.resolve("t.rtrace"));
        Files.createDirectory(dir.resolve("w"));
        Files.createFile(dir.resolve("tk.json"));
        String[] args = CommandRuns.commandLine(
                command, dir, Set.of("d", "t.rtrace", "w", "tk.json", "o.ripple", "o.rtrace"), work);
        assertEquals("ripple: " + line, CommandRuns.refusal(args));
        assertFalse(Files.exists(work), "refused before any work");
        assertFalse(Files.exists(dir.resolve("o.ripple")), "nothing written");
        assertFalse(Files.exists(dir.resolve("o.rtrace")), "nothing written");
    }

    /**
     * The same options pass in the mode they are for: a decoder's bench takes the prompt lengths and
     * goes on to its own checks (here, that it needs a checkpoint, not a placed file).
     */
    @Test
    void theModeThatTakesThemGoesOnToItsOwnChecks() throws IOException {
        assertBenchGoesOnToItsOwnCheck("--prompt-tokens", "9", "--decode-tokens", "4");
    }

    /**
     * An option the mode ignores, typed with its default value, asks for what the run does anyway:
     * let through (scripts pass defaults across modes), so the run goes on to its own checks.
     */
    @Test
    void anIgnoredOptionTypedWithItsDefaultIsLetThrough() throws IOException {
        assertBenchGoesOnToItsOwnCheck("--budgets", StrategyBench.Settings.DEFAULT_BUDGETS);
    }

    /** The margin's default typed beside the oracle asks for nothing the run ignores: let through. */
    @Test
    void theDefaultMarginBesideAnotherPredictorIsLetThrough() throws IOException {
        assertBenchGoesOnToItsOwnCheck("--predictor", "oracle", "--margin", "" + LowRankPredictor.DEFAULT_MARGIN);
    }

    /** {@code bench} of a placed file with {@code options}: refused by its own check, not by theirs. */
    private void assertBenchGoesOnToItsOwnCheck(String... options) throws IOException {
        Path placed = Files.createFile(dir.resolve("m.ripple"));
        List<String> args = new ArrayList<>(List.of("bench", "--model", placed.toString()));
        args.addAll(List.of(options));
        args.addAll(List.of("--work", dir.resolve("work").toString(), "--quiet"));
        assertEquals(
                "ripple: " + placed + ": bench places the model with every algorithm, so it needs the Hugging Face"
                        + " model directory, not a .ripple file",
                CommandRuns.refusal(args.toArray(String[]::new)));
    }
}
