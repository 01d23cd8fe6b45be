package dev.ripple.core.activity;

import dev.ripple.core.tensor.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * The pre-activations z for which a threshold rule holds on act(z), as at most a few intervals,
 * computed once per layer so that the low-rank predictor tests each neuron's uncertainty interval
 * with comparisons instead of evaluating the activation (an erf for GELU) two or three times.
 *
 * <p>The activations used here are monotone on each side of a single minimum m (GELU, SiLU; ReLU
 * is constant below 0 and increasing above), so the rule's verdict changes a few times at most
 * along z; the changes are located by dense geometric sampling around m and bisection. Evaluating
 * the verdict itself (rather than solving act(z) = ±t) also catches where act underflows to an
 * exact 0. Intervals are widened by a tiny relative epsilon: a neuron on a boundary is predicted
 * active, which costs I/O, never accuracy.
 */
final class ActiveRegion {
    private final float[] starts;
    private final float[] ends;

    private ActiveRegion(float[] starts, float[] ends) {
        this.starts = starts;
        this.ends = ends;
    }

    static ActiveRegion of(Activation act, float reluThreshold, ThresholdRule rule, int layer) {
        float m = switch (act) {
            case GELU, GELU_TANH -> -0.7518f;
            case SILU -> -1.2785f;
            case RELU -> 0f;
        };
        // Sample both sides of m geometrically (1e-4 … 1e4 away), then bisect every change of the
        // rule's verdict between neighbours; beyond ±1e4 the verdict no longer changes.
        List<Float> points = new ArrayList<>();
        for (double step = 1e-4; step <= 1e4 * 1.0001; step *= 1.05) {
            points.add((float) (m - step));
            points.add((float) (m + step));
        }
        points.add(m);
        points.sort(Float::compare);
        List<float[]> active = new ArrayList<>();
        boolean inside = active(act, reluThreshold, rule, layer, points.getFirst());
        float start = Float.NEGATIVE_INFINITY;
        for (int i = 0; i + 1 < points.size(); i++) {
            float a = points.get(i);
            float b = points.get(i + 1);
            boolean next = active(act, reluThreshold, rule, layer, b);
            if (next == inside) {
                continue;
            }
            float cut = boundary(act, reluThreshold, rule, layer, a, b, inside);
            if (inside) {
                active.add(new float[] {start, cut});
            } else {
                start = cut;
            }
            inside = next;
        }
        if (inside) {
            active.add(new float[] {start, Float.POSITIVE_INFINITY});
        }
        float[] starts = new float[active.size()];
        float[] ends = new float[active.size()];
        for (int i = 0; i < active.size(); i++) {
            starts[i] = widen(active.get(i)[0], -1);
            ends[i] = widen(active.get(i)[1], 1);
        }
        return new ActiveRegion(starts, ends);
    }

    /** True when [lo, hi] meets the region. */
    boolean intersects(float lo, float hi) {
        for (int i = 0; i < starts.length; i++) {
            if (lo <= ends[i] && hi >= starts[i]) {
                return true;
            }
        }
        return false;
    }

    private static boolean active(Activation act, float reluThreshold, ThresholdRule rule, int layer, float z) {
        return rule.isActive(layer, act.apply(z, reluThreshold));
    }

    /** The point in [a, b] where the verdict changes from {@code atA}, by bisection to float precision. */
    private static float boundary(
            Activation act, float reluThreshold, ThresholdRule rule, int layer, float a, float b, boolean atA) {
        float lo = a;
        float hi = b;
        while (Math.nextUp(lo) < hi) {
            float mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) {
                break;
            }
            if (active(act, reluThreshold, rule, layer, mid) == atA) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo + (hi - lo) / 2;
    }

    private static float widen(float v, int direction) {
        if (Float.isInfinite(v)) {
            return v;
        }
        return v + direction * (1e-5f * Math.abs(v) + 1e-6f);
    }
}
