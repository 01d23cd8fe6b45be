package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ripple.core.tensor.DType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The settings' rules name the setting at fault, in the record's words unless a front end renames it. */
class StrategyBenchSettingsTest {
    private static final StrategyBench.Settings DEFAULTS = StrategyBench.Settings.defaults(Path.of("work"));

    @Test
    void aSettingOutOfRangeIsNamedByItsComponent() {
        InvalidBenchSettingsException e =
                assertThrows(InvalidBenchSettingsException.class, () -> DEFAULTS.withDecodeTokens(1));
        assertEquals(StrategyBench.Input.DECODE_TOKENS, e.input());
        String rule = "must be at least 2 (the first token comes from the prefill: 1 measures no decode step), got 1";
        assertEquals("decodeTokens " + rule, e.getMessage());
        assertEquals("--decode-tokens " + rule, e.describe(StrategyBench.Input.class, i -> "--decode-tokens"));
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

    /**
     * A session holds the prompt and every generated token but the last (the first comes from the
     * prompt's logits, the last is never fed back): the defaults, 32 and 32, fit tiny-opt's 64.
     */
    @Test
    void aDecoderSessionNeedsThePromptAndAllButTheLastToken() {
        assertEquals(63, DEFAULTS.context());
        DEFAULTS.requireContextWithin(64, "tiny-opt");
        DEFAULTS.withPromptTokens(33).requireContextWithin(64, "tiny-opt");
        InvalidBenchSettingsException e = assertThrows(
                InvalidBenchSettingsException.class,
                () -> DEFAULTS.withPromptTokens(40).withDecodeTokens(30).requireContextWithin(64, "tiny-opt"));
        assertEquals(List.of(StrategyBench.Input.PROMPT_TOKENS, StrategyBench.Input.DECODE_TOKENS), e.inputs());
        assertEquals(
                "--prompt-tokens 40 and --decode-tokens 30 need a context of 69 tokens; tiny-opt holds 64 (give smaller"
                        + " ones)",
                e.describe(
                        StrategyBench.Input.class,
                        i -> i == StrategyBench.Input.PROMPT_TOKENS ? "--prompt-tokens" : "--decode-tokens"));
    }

    @Test
    void promptAndDecodeTokensThatOverflowAContextAreRefused() {
        InvalidBenchSettingsException e = assertThrows(
                InvalidBenchSettingsException.class,
                () -> DEFAULTS.withPromptTokens(Integer.MAX_VALUE).withDecodeTokens(2));
        assertEquals(StrategyBench.Input.PROMPT_TOKENS, e.input());
    }

    @Test
    void theStrategiesRunInTheCanonicalOrderEachOnceAllByDefault() {
        assertEquals(BenchStrategy.ALL, DEFAULTS.strategies());
        BenchStrategy naive = BenchStrategy.named("NAIVE");
        assertEquals(
                List.of(naive, BenchStrategy.RIPPLE_PLUS),
                DEFAULTS.withStrategies(List.of(BenchStrategy.RIPPLE_PLUS, naive, naive))
                        .strategies());
        assertEquals(
                List.of("identity", "ripple+"),
                BenchStrategy.placements(
                        List.of(BenchStrategy.RIPPLE_PLUS, naive, BenchStrategy.named("llm-in-a-flash"))),
                "naive and llm-in-a-flash read one placement");
        assertEquals("all strategies", BenchStrategy.describe(BenchStrategy.ALL));
        assertEquals("naive, ripple+", BenchStrategy.describe(List.of(naive, BenchStrategy.RIPPLE_PLUS)));
    }

    @Test
    void noStrategyOrOneNotOfTheFiveIsRefused() {
        InvalidBenchSettingsException none =
                assertThrows(InvalidBenchSettingsException.class, () -> DEFAULTS.withStrategies(List.of()));
        assertEquals(StrategyBench.Input.STRATEGIES, none.input());
        assertEquals("strategies must name at least one strategy", none.getMessage());
        InvalidBenchSettingsException other = assertThrows(
                InvalidBenchSettingsException.class,
                () -> DEFAULTS.withStrategies(List.of(new BenchStrategy("naive", "ripple", "none", false))));
        assertEquals(StrategyBench.Input.STRATEGIES, other.input());
        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> BenchStrategy.named("flash"));
        assertEquals(
                "unknown strategy 'flash' (known: naive, llm-in-a-flash, powerinfer, ripple, ripple+)",
                unknown.getMessage());
    }

    /** The policy and type comparisons run on the ripple+ file: without ripple+ they are refused, not run unasked. */
    @Test
    void thePolicyAndTypeComparisonsNeedRipplePlus() {
        List<BenchStrategy> naive = List.of(BenchStrategy.named("naive"));
        InvalidBenchSettingsException policies = assertThrows(
                InvalidBenchSettingsException.class,
                () -> DEFAULTS.withComparePolicies(true).withStrategies(naive));
        assertEquals(List.of(StrategyBench.Input.COMPARE_POLICIES, StrategyBench.Input.STRATEGIES), policies.inputs());
        assertEquals(
                "comparePolicies replays the ripple+ file under every cache policy: add ripple+ to strategies",
                policies.getMessage());
        InvalidBenchSettingsException types = assertThrows(
                InvalidBenchSettingsException.class,
                () -> DEFAULTS.withStrategies(naive).withDtypes(List.of(DType.Q8_0)));
        assertEquals(List.of(StrategyBench.Input.DTYPES, StrategyBench.Input.STRATEGIES), types.inputs());
        DEFAULTS.withStrategies(List.of(BenchStrategy.RIPPLE_PLUS))
                .withComparePolicies(true)
                .withDtypes(List.of(DType.Q8_0));
    }

    @Test
    void theMarginIsANumberNotBelowZero() {
        InvalidBenchSettingsException e =
                assertThrows(InvalidBenchSettingsException.class, () -> DEFAULTS.withMargin(Float.NaN));
        assertEquals(StrategyBench.Input.MARGIN, e.input());
        assertEquals("margin must be a number ≥ 0, got NaN", e.getMessage());
    }
}
