package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweep's rules speak of its components; a rule about two settings names both. */
class TradeoffSettingsTest {
    private static final Tradeoff.Settings D = Tradeoff.Settings.defaults();

    private static Tradeoff.Settings with(String predictorRule, boolean predictorOnly, List<String> trained) {
        return new Tradeoff.Settings(
                D.calibrationTokens(),
                D.passages(),
                D.fractions(),
                D.errorRuleFractions(),
                D.errorTargets(),
                D.margins(),
                predictorRule,
                D.rank(),
                predictorOnly,
                trained,
                D.trainedRecalls(),
                D.trainedFrom(),
                D.trainedHidden(),
                D.trainedEpochs(),
                D.trainedRate());
    }

    @Test
    void predictorOnlyNeedsAPredictorRule() {
        InvalidBenchSettingsException e =
                assertThrows(InvalidBenchSettingsException.class, () -> with(null, true, List.of()));
        assertEquals(Tradeoff.Input.PREDICTOR_ONLY, e.input());
        assertEquals("predictorOnly needs predictorRule", e.getMessage());
        assertEquals(
                "-o needs -r", e.describe(Tradeoff.Input.class, i -> i == Tradeoff.Input.PREDICTOR_ONLY ? "-o" : "-r"));
    }

    @Test
    void aTrainedRuleIsAThresholdRuleOrAnErrorRule() {
        with(null, false, List.of("act > -0.05", "error 0.3"));
        InvalidBenchSettingsException e =
                assertThrows(InvalidBenchSettingsException.class, () -> with(null, false, List.of("top 20%")));
        assertEquals(Tradeoff.Input.TRAINED, e.input());
        assertEquals("trained must be a threshold rule ('act > t' or '|act| > t'), not 'top 20%'", e.getMessage());
    }
}
