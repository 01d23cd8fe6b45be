package dev.ripple.placement.profile;

import dev.ripple.placement.trace.ActivationTrace;

/**
 * What a profiling run produced.
 *
 * @param trace              active neurons per token and layer
 * @param meanActiveFraction per layer, mean over tokens of |active| / dFfn
 * @param meanRelativeError  per layer, mean over tokens of ||FFN_sparse − FFN_dense|| / ||FFN_dense||,
 *                           where FFN_sparse keeps only active neurons (down bias included in both);
 *                           empty when not measured
 * @param tokens             tokens recorded
 * @param passages           passages run
 */
public record ProfileResult(ActivationTrace trace, double[] meanActiveFraction, double[] meanRelativeError,
                            long tokens, int passages) {

    public ProfileResult {
        meanActiveFraction = meanActiveFraction.clone();
        meanRelativeError = meanRelativeError.clone();
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
