package dev.ripple.core.activity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Activation;
import java.util.Locale;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * Decides which neurons of a layer count as active for one token, from their activations. One
 * concept used by profiling, placement, predictors and the runtime, stored in trace files and
 * {@code .ripple} metadata so a file always says how it was made.
 *
 * <p>Forms (the text form is what {@link #parse} accepts and {@link #describe} prints):
 * <ul>
 *   <li>{@code act > t}: by value, the ReLU notion (exact for ReLU with t = 0);</li>
 *   <li>{@code |act| > t}: by magnitude, what GELU/SiLU need, since their many small negative
 *       values add up;</li>
 *   <li>either with per-layer thresholds: {@code |act| > 0.1,0.12,0.2} (one per layer, the last
 *       repeats);</li>
 *   <li>{@code top-k 128} or {@code top 20%}: the k, or the fraction, of largest |act| per token.</li>
 * </ul>
 */
public sealed interface ActivityRule permits ThresholdRule, TopKRule, ErrorRule {

    /** Adds to {@code out} the indices of the active entries of {@code activations[0, n)} for {@code layer}. */
    void select(int layer, float[] activations, int n, MutableIntList out);

    /** The text form, e.g. {@code |act| > 0.1}. */
    String describe();

    ObjectNode toJson();

    /**
     * The rule used when the user names none, for a layer of this shape:
     * <ul>
     *   <li>ReLU: {@code act > 0}, exact;</li>
     *   <li>gated ReLU (ReluLLaMA, ProSparse's FATReLU, dReLU): {@code |act| > 0}, exact too: a
     *       neuron's value {@code relu(gate)·up} is negative whenever {@code up} is, and such a
     *       neuron is as active as a positive one;</li>
     *   <li>GELU and SiLU: {@code act > -0.05}, which also keeps the neurons just below zero whose
     *       values are too far from the dropped ones' mean for fill-in to replace them
     *       (docs/PERFORMANCE.md §8: on all-MiniLM-L6-v2 it keeps 39% of the neurons and holds the
     *       embedding cosine at 0.992 with fill-in, where {@code act > 0} keeps 22% and stops at 0.971);</li>
     *   <li>gated GELU or SiLU (SwiGLU): {@code |act| > 0.05}, by magnitude for the same reason as
     *       gated ReLU; this threshold is not calibrated on a real model here ({@code ripple
     *       tradeoff} calibrates one on yours).</li>
     * </ul>
     */
    static ActivityRule defaultFor(FfnLayerSpec spec) {
        if (spec.activation() == Activation.RELU) {
            return spec.gated() ? ThresholdRule.magnitude(0f) : ThresholdRule.value(0f);
        }
        return spec.gated() ? ThresholdRule.magnitude(0.05f) : ThresholdRule.value(-0.05f);
    }

    /** Parses the text form; see the class comment. */
    static ActivityRule parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
        try {
            if (s.startsWith("top-k")) {
                return TopKRule.ofCount(Integer.parseInt(s.substring(5)));
            }
            if (s.startsWith("top") && s.endsWith("%")) {
                return TopKRule.ofFraction(Double.parseDouble(s.substring(3, s.length() - 1)) / 100.0);
            }
            ThresholdRule.Mode mode;
            String thresholds;
            if (s.startsWith("|act|>")) {
                mode = ThresholdRule.Mode.MAGNITUDE;
                thresholds = s.substring(6);
            } else if (s.startsWith("act>")) {
                mode = ThresholdRule.Mode.VALUE;
                thresholds = s.substring(4);
            } else {
                throw new IllegalArgumentException("expected 'act > t', '|act| > t', 'top-k K' or 'top P%'");
            }
            return new ThresholdRule(mode, parseFloats(thresholds));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad activity rule '" + text + "': " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad activity rule '" + text + "': " + e.getMessage());
        }
    }

    private static float[] parseFloats(String csv) {
        String[] parts = csv.split(",");
        float[] t = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                t[i] = Float.parseFloat(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + parts[i] + "' is not a threshold (one number, or one per layer"
                        + " separated by commas: act > 0,0.1,0.1)");
            }
        }
        return t;
    }

    /** Reads the form written by {@link #toJson()}. */
    static ActivityRule fromJson(JsonNode node) {
        JsonNode text = node.path("rule");
        if (!text.isTextual()) {
            throw new IllegalArgumentException("activity rule JSON needs a 'rule' string, got " + node);
        }
        return parse(text.asText());
    }

    /** The JSON form shared by implementations: {@code {"rule": "<text form>", "kind": kind}} plus details. */
    static ObjectNode json(ActivityRule rule, String kind) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("rule", rule.describe());
        n.put("kind", kind);
        return n;
    }

    /** The per-layer thresholds of a rule, as the array {@code "thresholds"} of its JSON form. */
    static void putThresholds(ObjectNode n, float[] thresholds) {
        var a = n.putArray("thresholds");
        for (float t : thresholds) {
            a.add(t);
        }
    }
}
