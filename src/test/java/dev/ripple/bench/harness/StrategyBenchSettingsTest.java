package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The settings' rules name the setting at fault, in the record's words unless a front end renames it. */
class StrategyBenchSettingsTest {
    private static final StrategyBench.Settings DEFAULTS = StrategyBench.Settings.defaults(Path.of("work"));

    @Test
    void aSettingOutOfRangeIsNamedByItsComponent() {
        InvalidBenchSettingsException e =
                assertThrows(InvalidBenchSettingsException.class, () -> DEFAULTS.withDecodeTokens(0));
        assertEquals(StrategyBench.Input.DECODE_TOKENS, e.input());
        assertEquals("decodeTokens must be positive, got 0", e.getMessage());
        assertEquals(
                "--decode-tokens must be positive, got 0",
                e.describe(StrategyBench.Input.class, i -> "--decode-tokens"));
    }

    @Test
    void everyBudgetOfTheSweepIsAShare() {
        InvalidBenchSettingsException e =
                assertThrows(InvalidBenchSettingsException.class, () -> DEFAULTS.withBudgets(List.of(0.1, -0.2)));
        assertEquals(StrategyBench.Input.BUDGETS, e.input());
        assertEquals("budgets must be a share in [0, 1], got -0.2", e.getMessage());
    }

    @Test
    void theCacheIsAShareOfTheFfnBytesZeroIncluded() {
        InvalidBenchSettingsException e =
                assertThrows(InvalidBenchSettingsException.class, () -> DEFAULTS.withCacheFraction(1.5));
        assertEquals(StrategyBench.Input.CACHE_FRACTION, e.input());
        assertEquals("cacheFraction must be a share in [0, 1], got 1.5", e.getMessage());
        assertEquals(0, DEFAULTS.withCacheFraction(0).cacheFraction());
    }
}
