package dev.ripple.core.activity;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.Activation;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The precomputed active region answers "may this pre-activation interval be active?" as the
 * direct test does: evaluate the rule at both ends and at the activation's minimum when inside.
 */
class ActiveRegionTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GELU,act > 0",
        "GELU,act > -0.05",
        "GELU,act > 0.5",
        "GELU,|act| > 0.1",
        "GELU,|act| > 0.2",
        "GELU_TANH,act > 0",
        "GELU_TANH,|act| > 0.15",
        "SILU,act > 0",
        "SILU,act > -0.1",
        "SILU,|act| > 0.25",
        "RELU,act > 0",
        "RELU,act > 0.3",
        "RELU,|act| > 0.1",
        "GELU,|act| > 0",
        "GELU,act > -0.5"
    })
    void agreesWithEvaluatingTheActivation(Activation act, String ruleText) {
        ThresholdRule rule = assertInstanceOf(ThresholdRule.class, ActivityRule.parse(ruleText));
        ActiveRegion region = ActiveRegion.of(act, 0f, rule, 0);
        Random rnd = new Random(ruleText.hashCode() * 31L + act.ordinal());
        int extra = 0;
        int trials = 200_000;
        for (int i = 0; i < trials; i++) {
            float center = (float) (rnd.nextGaussian() * 3);
            float half = rnd.nextInt(4) == 0 ? 0f : (float) Math.abs(rnd.nextGaussian() * 0.5);
            float lo = center - half;
            float hi = center + half;
            boolean expected = direct(act, rule, lo, hi);
            boolean actual = region.intersects(lo, hi);
            assertTrue(
                    actual || !expected, act + " " + ruleText + ": [" + lo + ", " + hi + "] is active but was missed");
            if (actual && !expected) {
                extra++;
            }
        }
        assertTrue(
                extra < trials / 10_000,
                act + " " + ruleText + ": " + extra + " intervals predicted active beyond " + "the boundary epsilon");
    }

    /** The reference: the activations are monotone on each side of one minimum. */
    private static boolean direct(Activation act, ThresholdRule rule, float lo, float hi) {
        if (rule.isActive(0, act.apply(lo)) || rule.isActive(0, act.apply(hi))) {
            return true;
        }
        float minimumAt = switch (act) {
            case GELU, GELU_TANH -> -0.7518f;
            case SILU -> -1.2785f;
            case RELU -> Float.NaN;
        };
        return lo < minimumAt && minimumAt < hi && rule.isActive(0, act.apply(minimumAt));
    }
}
