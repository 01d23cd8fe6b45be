package dev.ripple.placement.calibrate;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.FillIn;
import dev.ripple.core.ffn.FfnLayerWeights;
import java.util.List;
import java.util.stream.IntStream;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * Per-neuron means of the activations a rule drops, over the tokens where each neuron was dropped:
 * the m_i of {@link FillIn}. They depend on the rule (for GELU {@code act > 0} drops small negative
 * values, {@code |act| > 0.1} drops values on both sides of zero), so every rule of a sweep gets
 * its own, measured on the calibration sample only.
 */
public final class ConditionalMeans {
    private ConditionalMeans() {}

    /** Per layer, per neuron, the mean activation where the neuron was inactive under {@code rule} (0 if never). */
    public static float[][] of(ActivityRule rule, ActivationSample sample) {
        float[][] means = new float[sample.layers()][];
        IntStream.range(0, sample.layers()).parallel().forEach(l -> means[l] = layer(rule, l, sample));
        return means;
    }

    /** The fill-in of every layer for {@code rule}, from the sample's conditional means. */
    public static List<FillIn> fillIn(ActivityRule rule, ActivationSample sample, List<FfnLayerWeights> layers) {
        float[][] m = of(rule, sample);
        return IntStream.range(0, layers.size())
                .mapToObj(l -> FillIn.fromMeans(layers.get(l), m[l]))
                .toList();
    }

    static float[] layer(ActivityRule rule, int l, ActivationSample sample) {
        int n = sample.neurons()[l];
        float[] acts = sample.layer(l);
        double[] total = new double[n];
        double[] activeSum = new double[n];
        long[] activeCount = new long[n];
        float[] row = new float[n];
        IntArrayList active = new IntArrayList();
        for (int t = 0; t < sample.tokens(); t++) {
            System.arraycopy(acts, t * n, row, 0, n);
            for (int i = 0; i < n; i++) {
                total[i] += row[i];
            }
            active.clear();
            rule.select(l, row, n, active);
            for (int k = 0; k < active.size(); k++) {
                int i = active.get(k);
                activeSum[i] += row[i];
                activeCount[i]++;
            }
        }
        float[] mean = new float[n];
        for (int i = 0; i < n; i++) {
            long dropped = sample.tokens() - activeCount[i];
            mean[i] = dropped == 0 ? 0f : (float) ((total[i] - activeSum[i]) / dropped);
        }
        return mean;
    }
}
