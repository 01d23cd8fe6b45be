package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo's settings refuse a value out of range before any work, naming the component at fault. */
class DemoSettingsTest {
    private static final Demo.Settings DEFAULTS = Demo.Settings.defaults(Path.of("work"));

    private static Demo.Settings with(long calibrationTokens, int sentences, double cacheFraction, int bench) {
        Demo.Settings d = DEFAULTS;
        return new Demo.Settings(
                d.work(),
                calibrationTokens,
                sentences,
                d.rule(),
                d.reader(),
                d.cache(),
                cacheFraction,
                d.margin(),
                bench);
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " | ",
            value = {
                "20000 | 100 | 2    | 16 | CACHE_FRACTION     | cacheFraction must be a share in [0, 1], got 2.0",
                "20000 | 100 | -0.1 | 16 | CACHE_FRACTION     | cacheFraction must be a share in [0, 1], got -0.1",
                "0     | 100 | 0.1  | 16 | CALIBRATION_TOKENS | calibrationTokens must be positive, got 0",
                "20000 | 0   | 0.1  | 16 | SENTENCES          | sentences must be positive, got 0",
                "20000 | 100 | 0.1  | -1 | BENCH_SENTENCES    | benchSentences must not be negative, got -1",
            })
    void aSettingOutOfRangeIsNamedByItsComponent(
            long calibrationTokens, int sentences, double cacheFraction, int bench, Demo.Input input, String message) {
        InvalidBenchSettingsException e = assertThrows(
                InvalidBenchSettingsException.class, () -> with(calibrationTokens, sentences, cacheFraction, bench));
        assertEquals(input, e.input());
        assertEquals(message, e.getMessage());
    }

    @Test
    void aFrontEndNamesTheCacheShareInItsOwnWords() {
        InvalidBenchSettingsException e =
                assertThrows(InvalidBenchSettingsException.class, () -> with(20_000, 100, 1.5, 16));
        assertEquals(
                "--cache-fraction must be a share in [0, 1], got 1.5",
                e.describe(Demo.Input.class, i -> i == Demo.Input.CACHE_FRACTION ? "--cache-fraction" : "?"));
    }

    @Test
    void noCacheAndNoClosingComparisonAreAllowed() {
        Demo.Settings s = with(1, 1, 0, 0);
        assertEquals(0, s.cacheFraction());
        assertEquals(0, s.benchSentences());
    }
}
