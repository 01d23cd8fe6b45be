package dev.ripple.core.activity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * The k (or the fraction) of neurons with the largest |act| per token: a fixed I/O budget per
 * token, whatever the input. Ties at the cut are broken by lower index, so results are stable.
 *
 * @param count    neurons per token, or 0 when {@code fraction} is used
 * @param fraction share of the layer's neurons per token, in (0, 1], or 0 when {@code count} is used
 */
public record TopKRule(int count, double fraction) implements ActivityRule {

    public TopKRule {
        if ((count > 0) == (fraction > 0) || count < 0 || fraction < 0 || fraction > 1 || Double.isNaN(fraction)) {
            throw new IllegalArgumentException(
                    "top-k needs either a count > 0 or a fraction in (0, 1], got " + count + " and " + fraction);
        }
    }

    public static TopKRule ofCount(int k) {
        return new TopKRule(k, 0);
    }

    public static TopKRule ofFraction(double f) {
        return new TopKRule(0, f);
    }

    /** How many neurons of a layer of n are kept. */
    public int keep(int n) {
        return count > 0 ? Math.min(count, n) : (int) Math.max(1, Math.min(n, Math.round(fraction * n)));
    }

    @Override
    public void select(int layer, float[] activations, int n, MutableIntList out) {
        int k = keep(n);
        if (k >= n) {
            for (int i = 0; i < n; i++) {
                out.add(i);
            }
            return;
        }
        float[] mags = new float[n];
        for (int i = 0; i < n; i++) {
            mags[i] = Math.abs(activations[i]);
        }
        float[] sorted = mags.clone();
        Arrays.sort(sorted);
        float cut = sorted[n - k];
        int above = 0;
        for (float m : mags) {
            if (m > cut) {
                above++;
            }
        }
        int tiesAllowed = k - above;
        for (int i = 0; i < n; i++) {
            if (mags[i] > cut || (mags[i] == cut && tiesAllowed-- > 0)) {
                out.add(i);
            }
        }
    }

    @Override
    public String describe() {
        return count > 0 ? "top-k " + count : "top " + trim(fraction * 100) + "%";
    }

    private static String trim(double v) {
        String s = Double.toString(Math.round(v * 1e6) / 1e6);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode n = ActivityRule.json(this, "top-k");
        if (count > 0) {
            n.put("count", count);
        } else {
            n.put("fraction", fraction);
        }
        return n;
    }

    @Override
    public String toString() {
        return describe();
    }
}
