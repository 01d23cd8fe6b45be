package dev.ripple.placement.profile;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.placement.predictor.InputMoments;
import dev.ripple.placement.trace.ActivationTrace;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

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
 * @param cut                the passages cut at the profiling length and the tokens left out of them
 */
public record ProfileResult(
        ActivationTrace trace,
        double[] meanActiveFraction,
        double[] meanRelativeError,
        float[][] meanActivation,
        float[][] meanInactiveActivation,
        List<InputMoments> inputMoments,
        long tokens,
        int passages,
        Cut cut) {

    /**
     * Passages longer than a profile runs ({@link ProfileOptions#maxSequenceLength}, or the model's
     * context when shorter) are cut to that length and the rest of each is not profiled: a text of a
     * few long lines would otherwise give far fewer tokens than asked without saying why.
     *
     * @param passages   passages cut (not counting the last one, when the token budget ended it first)
     * @param tokensLeft tokens of those passages beyond the length, not profiled
     * @param length     the length they were cut to (0 when none was)
     */
    public record Cut(int passages, long tokensLeft, int length) {
        public static final Cut NONE = new Cut(0, 0, 0);

        public Cut {
            if (passages < 0 || tokensLeft < 0 || length < 0 || (passages == 0) != (tokensLeft == 0)) {
                throw new IllegalArgumentException(
                        "a cut of " + passages + " passages, " + tokensLeft + " tokens left out, at " + length);
            }
        }

        /** One more passage of {@code length} tokens, cut to {@code cutTo}. */
        Cut plus(int length, int cutTo) {
            return new Cut(passages + 1, tokensLeft + (length - cutTo), cutTo);
        }
    }

    public ProfileResult {
        meanActiveFraction = meanActiveFraction.clone();
        meanRelativeError = meanRelativeError.clone();
        meanActivation = deepCopy(meanActivation);
        meanInactiveActivation = deepCopy(meanInactiveActivation);
        inputMoments = List.copyOf(inputMoments);
        Objects.requireNonNull(cut, "cut (Cut.NONE for none)");
    }

    /** A profile in which no passage was cut (the record's form before {@link Cut}, 2026-12-07). */
    public ProfileResult(
            ActivationTrace trace,
            double[] meanActiveFraction,
            double[] meanRelativeError,
            float[][] meanActivation,
            float[][] meanInactiveActivation,
            List<InputMoments> inputMoments,
            long tokens,
            int passages) {
        this(
                trace,
                meanActiveFraction,
                meanRelativeError,
                meanActivation,
                meanInactiveActivation,
                inputMoments,
                tokens,
                passages,
                Cut.NONE);
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
                "ProfileResult[tokens=%d, passages=%d%s, layers=%d, rule=%s, meanActiveFraction=%.4f, inputMoments=%d"
                        + " layers]",
                tokens,
                passages,
                cut.passages() == 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                " (%d cut at %d tokens, %d tokens left out)",
                                cut.passages(),
                                cut.length(),
                                cut.tokensLeft()),
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
