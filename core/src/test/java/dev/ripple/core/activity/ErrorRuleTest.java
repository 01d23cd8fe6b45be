package dev.ripple.core.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.Activation;
import java.util.List;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.junit.jupiter.api.Test;

class ErrorRuleTest {
    private final ErrorRule rule = new ErrorRule(
            new float[][] {{0f, -0.1f, 0f}, {0f, 0f, 0f}},
            new float[][] {{1f, 1f, 10f}, {1f, 1f, 1f}},
            new float[] {0.5f, 2f});

    @Test
    void selectsByDistanceFromTheFillInTimesTheDownNorm() {
        IntArrayList out = new IntArrayList();
        // neuron 0: |0.4 − 0|·1 = 0.4 (dropped); 1: |0.45 + 0.1|·1 = 0.55 (kept); 2: |−0.06|·10 = 0.6 (kept)
        rule.select(0, new float[] {0.4f, 0.45f, -0.06f}, 3, out);
        assertEquals(IntArrayList.newListWith(1, 2), out);
        assertTrue(rule.isActive(0, 2, -0.06f));
        assertFalse(rule.isActive(0, 0, 0.4f));
        out.clear();
        rule.select(1, new float[] {3f, -1f, 2.5f}, 3, out);
        assertEquals(IntArrayList.newListWith(0, 2), out, "layer 1 has its own threshold");
    }

    @Test
    void theLowRankPredictorRefusesIt() {
        var f = new LowRankPredictor.Factors(
                1, 1, 3, new float[] {1}, new float[3], new float[3], new float[3], Activation.GELU, 0f);
        assertThrows(IllegalArgumentException.class, () -> new LowRankPredictor(List.of(f, f), rule, 1f));
    }

    @Test
    void rejectsMismatchedShapesAndBadThresholds() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new ErrorRule(new float[][] {{0f}}, new float[][] {{1f, 1f}}, new float[] {1f}));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ErrorRule(new float[][] {{0f}}, new float[][] {{1f}}, new float[] {-1f}));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ErrorRule(new float[][] {{0f}}, new float[][] {{1f}}, new float[] {Float.NaN}));
    }

    @Test
    void describesItsThresholds() {
        assertEquals("|act - fill|·‖down‖ > 0.5000,2.000", rule.describe());
        assertEquals("error", rule.toJson().get("kind").asText());
    }
}
