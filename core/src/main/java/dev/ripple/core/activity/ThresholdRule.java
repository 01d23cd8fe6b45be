package dev.ripple.core.activity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * Active when the activation (or its magnitude) exceeds a threshold, one per layer; layers past
 * the last threshold use the last one.
 */
public record ThresholdRule(Mode mode, float[] thresholds) implements ActivityRule {

    /** Compare the value itself (ReLU notion) or its absolute value (GELU/SiLU). */
    public enum Mode {
        VALUE,
        MAGNITUDE
    }

    public ThresholdRule {
        if (thresholds.length == 0) {
            throw new IllegalArgumentException("at least one threshold is needed");
        }
        for (float t : thresholds) {
            if (!Float.isFinite(t) || (mode == Mode.MAGNITUDE && t < 0)) {
                throw new IllegalArgumentException("threshold " + t + " is not usable for " + mode);
            }
        }
        thresholds = thresholds.clone();
    }

    /** {@code act > t} for every layer. */
    public static ThresholdRule value(float t) {
        return new ThresholdRule(Mode.VALUE, new float[] {t});
    }

    /** {@code |act| > t} for every layer. */
    public static ThresholdRule magnitude(float t) {
        return new ThresholdRule(Mode.MAGNITUDE, new float[] {t});
    }

    @Override
    public float[] thresholds() {
        return thresholds.clone();
    }

    /** The threshold of {@code layer}. */
    public float threshold(int layer) {
        return thresholds[Math.min(layer, thresholds.length - 1)];
    }

    /** True when {@code value} is active in {@code layer}: this kind of rule judges each value alone. */
    public boolean isActive(int layer, float value) {
        float t = threshold(layer);
        return mode == Mode.VALUE ? value > t : Math.abs(value) > t;
    }

    @Override
    public void select(int layer, float[] activations, int n, MutableIntList out) {
        float t = threshold(layer);
        if (mode == Mode.VALUE) {
            for (int i = 0; i < n; i++) {
                if (activations[i] > t) {
                    out.add(i);
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                if (Math.abs(activations[i]) > t) {
                    out.add(i);
                }
            }
        }
    }

    @Override
    public String describe() {
        StringBuilder s = new StringBuilder(mode == Mode.VALUE ? "act > " : "|act| > ");
        for (int i = 0; i < thresholds.length; i++) {
            s.append(i == 0 ? "" : ",").append(format(thresholds[i]));
        }
        return s.toString();
    }

    private static String format(float v) {
        String s = Float.toString(v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode n = ActivityRule.json(this, "threshold");
        n.put("mode", mode.name().toLowerCase());
        ActivityRule.putThresholds(n, thresholds);
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ThresholdRule r && r.mode == mode && Arrays.equals(r.thresholds, thresholds);
    }

    @Override
    public int hashCode() {
        return mode.hashCode() * 31 + Arrays.hashCode(thresholds);
    }

    @Override
    public String toString() {
        return describe();
    }
}
