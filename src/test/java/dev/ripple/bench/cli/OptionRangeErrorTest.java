package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A value out of range: one line naming the option and the value, in the same words whichever
 * command has the option, and nothing written before it ('_' in a row is a space within one
 * argument). The APIs under the commands hold their rules (the harnesses' settings, core's
 * {@code RuntimeOptions}), so an option several commands share ({@code --cache-fraction}) is checked by
 * the API each command calls, in the same words; {@code --calibration-tokens} of bench, which no
 * settings record holds, is checked by its mixin.
 */
class OptionRangeErrorTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiterString = " | ",
            quoteCharacter = '"',
            value = {
                "bench --tokens 0                | --tokens must be positive, got 0",
                "bench --sentences 0             | --sentences must be positive, got 0",
                "bench --sweep-tokens -3         | --sweep-tokens must be positive, got -3",
                "bench --prompt-tokens 0         | --prompt-tokens must be positive, got 0",
                "bench --decode-tokens 0         | --decode-tokens must be at least 2 (the first token comes from the"
                        + " prefill: 1 measures no decode step), got 0",
                "bench --decode-tokens 1         | --decode-tokens must be at least 2 (the first token comes from the"
                        + " prefill: 1 measures no decode step), got 1",
                "bench --calibration-tokens 0    | --calibration-tokens must be positive, got 0",
                "bench --cache-fraction 1.5      | --cache-fraction must be a share in [0, 1], got 1.5",
                "bench --budgets 0.1,2           | --budgets must be a share in [0, 1], got 2.0",
                "demo --sentences 0              | --sentences must be positive, got 0",
                "demo --calibration-tokens -1    | --calibration-tokens must be positive, got -1",
                "demo --cache-fraction 2         | --cache-fraction must be a share in [0, 1], got 2.0",
                "demo --cache-fraction -0.1      | --cache-fraction must be a share in [0, 1], got -0.1",
                "demo --bench-sentences -1       | --bench-sentences must not be negative, got -1",
                "demo --margin NaN               | --margin must be a number ≥ 0, got NaN",
                "demo --cache bogus              | --cache: unknown cache policy 'bogus';"
                        + " known: [none, lru, s3fifo, lfu, window, linking]",
                "bench --margin -1               | --margin must not be negative, got -1.0",
                "bench --dram 1000000TiB         | --dram '1000000TiB' is too large (at most 1024TiB)",
                "bench --dram 0                  | --dram must be positive, got '0'",
                "place --trace t.rtrace --out o.ripple --margin NaN | --margin must be a number ≥ 0, got NaN",
                "place --trace t.rtrace --out o.ripple --margin Infinity | --margin must be finite, got Infinity",
                "place --trace t.rtrace --out o.ripple --rank -5 | --rank must not be negative (0: no predictor), got -5",
                "profile --out t.rtrace --max-length 1 | --max-length must be at least 2 (a passage holds its special"
                        + " tokens), got 1",
                "profile --out t.rtrace --max-length 513 | --max-length 513: an ONNX encoder is profiled on at most 512"
                        + " tokens per passage",
                "generate --model m.ripple --prompt-ids 1 --kv f8 | --kv must be f16 or f32, got 'f8'",
                "generate --model m.ripple --prompt-ids 1 --temperature NaN"
                        + " | --temperature must be a number ≥ 0, got NaN",
                "generate --model m.ripple --prompt-ids 1 --top-k -1 | --top-k must not be negative, got -1",
                "generate --model m.ripple --prompt-ids 1 --top-p 0 | --top-p must be in (0, 1], got 0.0",
                "generate --model m.ripple --prompt-ids 1 --repetition-penalty 0"
                        + " | --repetition-penalty must be a number > 0, got 0.0",
                "generate --model m.ripple --prompt-ids 1 --cache-fraction 2"
                        + " | --cache-fraction must be a share in [0, 1], got 2.0",
                "generate --model m.ripple --prompt-ids 1 --cache-fraction -1"
                        + " | --cache-fraction must be a share in [0, 1], got -1.0",
                "generate --model m.ripple --prompt-ids 1 --queue-depth 0"
                        + " | --queue-depth must be in 1..1024, got 0",
                "bench --workload w --cache-fraction 2 | --cache-fraction must be a share in [0, 1], got 2.0",
                "bench --queue-depth 0           | --queue-depth must be in 1..1024, got 0",
                "bench --workload w --queue-depth 100000 | --queue-depth must be in 1..1024, got 100000",
                "policies --queue-depth 0        | --queue-depth must be in 1..1024, got 0",
                "policies --workload w --queue-depth 0 | --queue-depth must be in 1..1024, got 0",
                "policies --cache-fraction 2     | --cache-fraction must be a share in (0, 1], got 2.0",
                "policies --cache-fraction 0     | --cache-fraction must be a share in (0, 1], got 0.0",
                "policies --tokens 0             | --tokens must be positive, got 0",
                "policies --calibration-tokens 0 | --calibration-tokens must be positive, got 0",
                "policies --repeats -1           | --repeats must be positive, got -1",
                "policies --policies lru,lru     | --policies must name each policy once, got [lru, lru]",
                "policies --policies lru,bogus   | unknown cache policy 'bogus' in --policies"
                        + " (known: [none, lru, s3fifo, lfu, window, linking])",
                "policies --linking-inner none   | --linking-inner must be s3fifo, lru or lfu, got none",
                "policies --replay train         | --replay must be held-out or calibration, got train",
                "policies --placement best       | unknown --placement 'best'"
                        + " (known: [identity, frequency, ripple, ripple+])",
                "policies --workload w --linking-inner none | --linking-inner must be s3fifo, lru or lfu, got none",
                "policies --workload w --cache-fraction 0 | --cache-fraction must be a share in (0, 1], got 0.0",
                "tradeoff --sentences 0          | --sentences must be positive, got 0",
                "tradeoff --calibration-tokens 0 | --calibration-tokens must be positive, got 0",
                "tradeoff --fractions 0.2,0      | --fractions must be a share in (0, 1], got 0.0",
                "tradeoff --error-rule-fractions 1.5 | --error-rule-fractions must be a share in (0, 1], got 1.5",
                "tradeoff --trained-recalls 2    | --trained-recalls must be a share in (0, 1], got 2.0",
                "tradeoff --error-targets -0.1   | --error-targets must not be negative, got -0.1",
                "tradeoff --margins 1,-0.5       | --margins must not be negative, got -0.5",
                "tradeoff --rank 0               | --rank must be positive, got 0",
                "tradeoff --predictor-rule top_20% | --predictor-rule must be a threshold rule"
                        + " ('act > t' or '|act| > t'), not 'top 20%'",
                "tradeoff --trained top_20%      | --trained must be a threshold rule"
                        + " ('act > t' or '|act| > t'), not 'top 20%'",
                "tradeoff --predictor-only       | --predictor-only needs --predictor-rule",
                "tradeoff --trained-from magic   | --trained-from takes 'lowrank' or 'random', not 'magic'",
            })
    void aValueOutOfRangeIsOneLineNamingItsOption(String command, String line) throws IOException {
        Path work = dir.resolve("work");
        // the model, the trace and the workload a row names exist (empty: never read), as path options are
        // checked when the command line is read, so that the value out of range is what is refused
        Files.createFile(dir.resolve("m.ripple"));
        Files.createFile(dir.resolve("t.rtrace"));
        Files.createDirectory(dir.resolve("w"));
        String[] args = CommandRuns.commandLine(command, dir, Set.of("m.ripple", "t.rtrace", "w"), work);
        assertEquals("ripple: " + line, CommandRuns.refusal(args));
        assertFalse(Files.exists(work), "the value is checked before any work");
    }
}
