package dev.ripple.placement.profile;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.placement.predictor.InputMoments;
import dev.ripple.placement.trace.ActivationTrace;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a profiling run produced.
 *
 * @param trace              active neurons per token and layer
 * @param meanActiveFraction per layer, mean over tokens of |active| / dFfn
 * @param meanRelativeError  per layer, mean over every 4th token of ||FFN_sparse − FFN_dense|| / ||FFN_dense||,
 *                           where FFN_sparse keeps only active neurons (down bias included in both);
 *                           empty when not measured
 * @param meanActivation     per layer and neuron, mean activation over all tokens
 * @param meanInactiveActivation per layer and neuron, mean activation over the tokens where the
 *                           neuron was inactive under the rule (0 if it never was): the fill-in
 *                           value that replaces a dropped neuron ({@link dev.ripple.core.activity.FillIn},
 *                           docs/DESIGN.md, "One activity rule, fill-in and predictors")
 * @param inputMoments       per layer, moments of the FFN input (what the low-rank predictor is
 *                           fitted to); empty when the model does not expose its FFN inputs or
 *                           they are wider than {@link OnnxProfiler#MAX_MOMENT_WIDTH}
 * @param tokens             tokens recorded
 * @param passages           passages run
 */
public record ProfileResult(
        ActivationTrace trace,
        double[] meanActiveFraction,
        double[] meanRelativeError,
        float[][] meanActivation,
        float[][] meanInactiveActivation,
        List<InputMoments> inputMoments,
        long tokens,
        int passages) {

    public ProfileResult {
        meanActiveFraction = meanActiveFraction.clone();
        meanRelativeError = meanRelativeError.clone();
        meanActivation = deepCopy(meanActivation);
        meanInactiveActivation = deepCopy(meanInactiveActivation);
        inputMoments = List.copyOf(inputMoments);
    }

    /** The activity rule the trace was recorded under (resolved from the model's default when none was asked). */
    public ActivityRule rule() {
        return ActivityRule.parse(trace.info().rule());
    }

    /** The counts, the rule and the mean active share over layers; the per-neuron arrays are left out. */
    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "ProfileResult[tokens=%d, passages=%d, layers=%d, rule=%s, meanActiveFraction=%.4f, inputMoments=%d"
                        + " layers]",
                tokens,
                passages,
                trace.layers(),
                trace.info().rule(),
                Arrays.stream(meanActiveFraction).average().orElse(0),
                inputMoments.size());
    }

    @Override
    public float[][] meanActivation() {
        return deepCopy(meanActivation);
    }

    @Override
    public float[][] meanInactiveActivation() {
        return deepCopy(meanInactiveActivation);
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @Override
    public double[] meanActiveFraction() {
        return meanActiveFraction.clone();
    }

    @Override
    public double[] meanRelativeError() {
        return meanRelativeError.clone();
    }
}
