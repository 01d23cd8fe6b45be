package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The policies' settings own the cache share's rule, for the model and for the workload form alike. */
class ModelPoliciesSettingsTest {
    private static final ModelPolicies.Settings DEFAULTS = ModelPolicies.Settings.defaults(Path.of("work"));

    private static ModelPolicies.Settings withCacheFraction(double f) {
        ModelPolicies.Settings d = DEFAULTS;
        return new ModelPolicies.Settings(
                d.work(),
                d.rule(),
                d.calibrationTokens(),
                d.tokens(),
                d.repeats(),
                f,
                d.policies(),
                d.linkingInner(),
                d.replay(),
                d.placement(),
                d.reader(),
                d.queueDepth(),
                d.device());
    }

    @Test
    void theCacheMustBeAboveZeroForPoliciesToDiffer() {
        for (double bad : new double[] {0, -0.5, 1.01, Double.NaN}) {
            InvalidBenchSettingsException e =
                    assertThrows(InvalidBenchSettingsException.class, () -> withCacheFraction(bad));
            assertEquals(ModelPolicies.Input.CACHE_FRACTION, e.input());
            assertEquals("cacheFraction must be a share in (0, 1], got " + bad, e.getMessage());
            assertEquals(
                    "--cache-fraction must be a share in (0, 1], got " + bad,
                    e.describe(ModelPolicies.Input.class, i -> "--cache-fraction"));
        }
        assertEquals(1, withCacheFraction(1).cacheFraction());
    }

    @Test
    void theWorkloadFormIsHeldToTheSameRule() {
        InvalidBenchSettingsException e =
                assertThrows(InvalidBenchSettingsException.class, () -> ModelPolicies.requireCacheFraction(0));
        assertEquals(ModelPolicies.Input.CACHE_FRACTION, e.input());
        assertEquals("cacheFraction must be a share in (0, 1], got 0.0", e.getMessage());
    }
}
