package dev.ripple.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.core.model.decoder.Generator;
import dev.ripple.core.runtime.RuntimeStats;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What printing a result shows: the figures and the first few ids, not {@code [I@1b6d3586} or an object id. */
class SummariesTest {
    @Test
    void arraysShowTheirCountAndFirstValues() {
        assertEquals("0 []", ArraySummary.of(new int[0]));
        assertEquals("3 [7, 1, 9]", ArraySummary.of(new int[] {7, 1, 9}));
        assertEquals("7 [0, 1, 2, 3, 4, ...]", ArraySummary.of(new int[] {0, 1, 2, 3, 4, 5, 6}));
        assertEquals("null", ArraySummary.of(null));
    }

    @Test
    void aGenerationResultShowsItsIdsInShort() {
        Generator.Result r = new Generator.Result(
                new int[] {2, 100, 7},
                new int[] {5, 6, 7, 8, 9, 10},
                "hello",
                Generator.StopReason.MAX_TOKENS,
                null,
                List.of());
        assertEquals(
                "Result[promptIds=3 [2, 100, 7], generatedIds=6 [5, 6, 7, 8, 9, ...], text=5 chars,"
                        + " stopReason=MAX_TOKENS, steps=0]",
                r.toString());
    }

    @Test
    void runtimeStatsShowTheirTotals() {
        assertEquals(
                "RuntimeStats[calls=0, tokens=0, bundles=0 (cache hits 0.0%), reads=0, bytesRead=0 of 0 needed,"
                        + " io=0.0 ms, compute=0.0 ms, failures=0]",
                new RuntimeStats().toString());
    }
}
