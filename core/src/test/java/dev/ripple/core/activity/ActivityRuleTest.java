package dev.ripple.core.activity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivityRuleTest {
    private static final float[] ACTS = {0.5f, -0.2f, 0f, 0.05f, -0.9f, 0.2f};

    private static int[] select(ActivityRule rule, int layer) {
        MutableIntList out = new IntArrayList();
        rule.select(layer, ACTS, ACTS.length, out);
        return out.toArray();
    }

    @Test
    void valueRuleKeepsPositivesAboveTheThreshold() {
        assertArrayEquals(new int[] {0, 3, 5}, select(ThresholdRule.value(0f), 0));
        assertArrayEquals(new int[] {0, 5}, select(ThresholdRule.value(0.1f), 0));
    }

    @Test
    void magnitudeRuleKeepsLargeNegativesToo() {
        assertArrayEquals(new int[] {0, 1, 4, 5}, select(ThresholdRule.magnitude(0.1f), 0));
    }

    @Test
    void perLayerThresholdsRepeatTheLastOne() {
        ThresholdRule rule = assertInstanceOf(ThresholdRule.class, ActivityRule.parse("|act| > 0.1, 0.3"));
        assertArrayEquals(new int[] {0, 1, 4, 5}, select(rule, 0));
        assertArrayEquals(new int[] {0, 4}, select(rule, 1));
        assertArrayEquals(new int[] {0, 4}, select(rule, 7));
        assertTrue(rule.isActive(5, -0.4f));
        assertEquals("|act| > 0.1,0.3", rule.describe());
    }

    @Test
    void topKKeepsTheLargestMagnitudesAndBreaksTiesByIndex() {
        assertArrayEquals(new int[] {0, 4}, select(TopKRule.ofCount(2), 0));
        float[] ties = {0.1f, 0.1f, 0.1f, 0.5f};
        MutableIntList out = new IntArrayList();
        TopKRule.ofCount(2).select(0, ties, 4, out);
        assertArrayEquals(new int[] {0, 3}, out.toArray());
        assertEquals(3, TopKRule.ofFraction(0.5).keep(6));
        assertArrayEquals(
                new int[] {0, 1, 4}, select(ActivityRule.parse("top 50%"), 0)); // |-0.2| ties |0.2|: lower index
    }

    @ParameterizedTest
    @ValueSource(strings = {"act > 0", "|act| > 0.05", "|act| > 0.1,0.2,0.3", "top-k 128", "top 20%", "act > -0.25"})
    void textAndJsonFormsRoundTrip(String text) {
        ActivityRule rule = ActivityRule.parse(text);
        assertEquals(text, rule.describe());
        assertEquals(rule, ActivityRule.parse(rule.describe()));
        assertEquals(rule, ActivityRule.fromJson(rule.toJson()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "act >", "act < 0", "|act| > -1", "top-k 0", "top 150%", "act > NaN", "|act| > abc"})
    void badRulesAreRefusedWithTheirText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActivityRule.parse(text));
        assertTrue(
                e.getMessage().contains("activity rule")
                        || e.getMessage().contains("threshold")
                        || e.getMessage().contains("top-k"),
                e.getMessage());
    }

    /** A threshold that is no number is named, with the per-layer form, instead of Java's "For input string". */
    @Test
    void aThresholdThatIsNoNumberIsNamedWithTheForm() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ActivityRule.parse("act > 0; layer 7: |act| > 0.1"));
        assertEquals(
                "bad activity rule 'act > 0; layer 7: |act| > 0.1': '0;layer7:|act|>0.1' is not a threshold (one number,"
                        + " or one per layer separated by commas: act > 0,0.1,0.1)",
                e.getMessage());
    }
}
