package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.runtime.InvalidRuntimeOptionsException.Input;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A value out of range is refused by the options record, naming the component, not an option. */
class RuntimeOptionsTest {

    @Test
    void aCacheFractionOutsideZeroToOneNamesTheComponent() {
        for (double bad : new double[] {2, -0.1, Double.NaN}) {
            InvalidRuntimeOptionsException e = assertThrows(
                    InvalidRuntimeOptionsException.class,
                    () -> RuntimeOptions.defaults().withCache("linking", bad));
            assertEquals(Input.CACHE_FRACTION, e.input());
            List<Input> inputs = e.inputs(); // typed by the runtime's enum, as the placement's refusal is
            assertEquals(List.of(Input.CACHE_FRACTION), inputs);
            assertEquals("cacheFraction must be a share in [0, 1], got " + bad, e.getMessage());
        }
    }

    @Test
    void theEndsOfTheShareAreAllowed() {
        assertEquals(0, RuntimeOptions.defaults().withCache("none", 0).cacheFraction());
        assertEquals(1, RuntimeOptions.defaults().withCache("lru", 1).cacheFraction());
    }

    @Test
    void eachComponentIsNamedByItsOwnRule() {
        InvalidRuntimeOptionsException depth = assertThrows(
                InvalidRuntimeOptionsException.class,
                () -> RuntimeOptions.defaults().withQueueDepth(0));
        assertEquals(Input.QUEUE_DEPTH, depth.input());
        assertEquals("queueDepth must be in 1..1024, got 0", depth.getMessage());

        InvalidRuntimeOptionsException bytes = assertThrows(
                InvalidRuntimeOptionsException.class,
                () -> RuntimeOptions.defaults().withCacheBytes("lru", -1));
        assertEquals(Input.CACHE_BYTES, bytes.input());
        assertEquals("cacheBytes must not be negative, got -1", bytes.getMessage());

        InvalidRuntimeOptionsException gap = assertThrows(
                InvalidRuntimeOptionsException.class,
                () -> RuntimeOptions.defaults().withMaxGapBytes(-4096));
        assertEquals(Input.MAX_GAP_BYTES, gap.input());
        assertEquals("maxGapBytes must not be negative, got -4096", gap.getMessage());
    }

    @Test
    void aMarginThatIsNegativeOrInfiniteIsRefusedWhenSetNotAtOpen() {
        for (float bad : new float[] {-5f, -0.001f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            InvalidRuntimeOptionsException e = assertThrows(
                    InvalidRuntimeOptionsException.class,
                    () -> RuntimeOptions.defaults().withMargin(bad));
            assertEquals(Input.MARGIN, e.input());
            assertEquals("margin must be a finite number ≥ 0 (or NaN: the file's), got " + bad, e.getMessage());
        }
    }

    @Test
    void aMarginOfZeroOrMoreOrNaNForTheFilesIsAllowed() {
        assertEquals(0f, RuntimeOptions.defaults().withMargin(0f).margin());
        assertEquals(2.5f, RuntimeOptions.defaults().withMargin(2.5f).margin());
        assertTrue(Float.isNaN(RuntimeOptions.defaults().withMargin(Float.NaN).margin()));
    }

    @Test
    void aFrontEndSaysTheRuleInItsOwnWords() {
        InvalidRuntimeOptionsException e = assertThrows(
                InvalidRuntimeOptionsException.class,
                () -> RuntimeOptions.defaults().withCacheFraction(1.5));
        assertEquals(
                "--cache-fraction must be a share in [0, 1], got 1.5",
                e.describe(input -> input == Input.CACHE_FRACTION ? "--cache-fraction" : "?"));
    }
}
