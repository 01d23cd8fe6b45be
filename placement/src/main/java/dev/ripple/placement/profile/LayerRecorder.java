package dev.ripple.placement.profile;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.format.FfnLayerSpec;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.roaringbitmap.RoaringBitmap;

/**
 * What a profiling run records for one FFN layer: the active set of each token under the layer's
 * rule, the active fraction, the rule's FFN output error and the per-neuron means. One instance
 * per layer, used by one thread at a time.
 */
final class LayerRecorder {
    /**
     * The rule's FFN error is measured on every this-many-th token: it is a full down projection per
     * token (half the profiling time under a dense rule), and its mean needs no more.
     */
    static final int ERROR_STRIDE = 4;

    private final FfnLayerSpec spec;
    private final DownProjection down;
    private final ActivityRule rule;
    private final RuleError error;
    private final NeuronMeans means;
    private double activeSum;
    private double errorSum;
    private long seen;
    private long errorTokens;

    LayerRecorder(FfnLayerSpec spec, DownProjection down, ActivityRule rule, boolean measureError) {
        this.spec = spec;
        this.down = down;
        this.rule = rule;
        this.error = measureError ? new RuleError(spec.dModel()) : null;
        this.means = new NeuronMeans(spec.dFfn());
    }

    /** Records the first {@code tokens} rows of {@code acts} ([tokens × dFfn]); returns their active sets. */
    RoaringBitmap[] record(float[] acts, int tokens) {
        int f = spec.dFfn();
        float[] row = new float[f];
        IntArrayList selected = new IntArrayList();
        // the active set as a mask too: the means and the error ask every neuron, and a bitmap's
        // contains() is a search
        boolean[] on = new boolean[f];
        RoaringBitmap[] sets = new RoaringBitmap[tokens];
        for (int t = 0; t < tokens; t++) {
            int base = t * f;
            System.arraycopy(acts, base, row, 0, f);
            selected.clear();
            rule.select(spec.index(), row, f, selected);
            int[] ids = selected.toArray();
            RoaringBitmap active = RoaringBitmap.bitmapOf(ids);
            for (int i : ids) {
                on[i] = true;
            }
            means.add(acts, base, on);
            activeSum += active.getCardinality() / (double) f;
            if (error != null && seen % ERROR_STRIDE == 0) {
                errorSum += error.relative(down, f, acts, base, on);
                errorTokens++;
            }
            for (int i : ids) {
                on[i] = false;
            }
            seen++;
            sets[t] = active;
        }
        return sets;
    }

    double meanActiveFraction(long tokens) {
        return tokens == 0 ? 0 : activeSum / tokens;
    }

    /** Mean over the measured tokens (every {@link #ERROR_STRIDE}-th, the first included). */
    double meanRelativeError() {
        return errorTokens == 0 ? 0 : errorSum / errorTokens;
    }

    float[] meanActivation() {
        return means.meanAll();
    }

    float[] meanInactiveActivation() {
        return means.meanInactive();
    }
}
