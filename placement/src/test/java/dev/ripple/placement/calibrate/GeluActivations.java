package dev.ripple.placement.calibrate;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.tensor.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/** The calibrator tests' activations, and the share of them a rule keeps, measured apart from any calibrator. */
final class GeluActivations {
    private GeluActivations() {}

    /** GELU of Gaussian pre-activations {@code scale(l)·g + shift(l)}, each layer {@code l} with its own. */
    static ActivationSample sample(
            long seed, int layers, int neurons, int tokens, IntToDoubleFunction scale, IntToDoubleFunction shift) {
        Random r = new Random(seed);
        int[] widths = new int[layers];
        List<float[]> values = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            widths[l] = neurons;
            double a = scale.applyAsDouble(l);
            double b = shift.applyAsDouble(l);
            float[] v = new float[tokens * neurons];
            for (int i = 0; i < v.length; i++) {
                v[i] = Activation.GELU.apply((float) (a * r.nextGaussian() + b));
            }
            values.add(v);
        }
        return new ActivationSample(widths, values, tokens);
    }

    /** Mean share of layer {@code l}'s neurons that {@code rule} keeps per token of {@code s}. */
    static double keptShare(ActivityRule rule, ActivationSample s, int l) {
        int n = s.neurons()[l];
        float[] row = new float[n];
        IntArrayList active = new IntArrayList();
        long total = 0;
        for (int t = 0; t < s.tokens(); t++) {
            System.arraycopy(s.layer(l), t * n, row, 0, n);
            active.clear();
            rule.select(l, row, n, active);
            total += active.size();
        }
        return total / (double) (s.tokens() * n);
    }
}
