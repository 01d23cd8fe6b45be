package dev.ripple.core.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.FillIn;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.TrainedPredictor;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.format.PlacedLayer;
import dev.ripple.core.format.RippleContents;
import java.util.Random;

/**
 * Adds what the placement pipeline stores beside the bundles to a test model's contents, with random
 * values: a low-rank predictor (factors, the default activity rule of layer 0 and a margin in the
 * provenance), read-ahead factors beside it, a trained predictor, mean fill-in. The runtime reads each back the way it reads a
 * placed model's.
 */
public final class StoredPredictors {
    private StoredPredictors() {}

    /** Random rank-{@code rank} factors for every layer of {@code c}. */
    public static RippleContents withLowRank(RippleContents c, long seed, int rank) {
        Random rnd = new Random(seed);
        for (PlacedLayer l : c.layers()) {
            FfnLayerSpec s = l.weights().spec();
            LowRankPredictor.tensors(s.index(), randomFactors(rnd, s, rank)).forEach(c::addTensor);
        }
        ObjectNode prov = c.provenance();
        prov.set(
                "activityRule",
                ActivityRule.defaultFor(c.layers().getFirst().weights().spec()).toJson());
        prov.putObject("predictor").put("margin", 1.5);
        return c.provenance(prov);
    }

    /**
     * Random rank-{@code rank} read-ahead factors ({@link LowRankPredictor#aheadTensors}) for every
     * layer of {@code c}: used beside {@link #withLowRank}'s rule and margin, and unrelated to its
     * factors, so the two predict different sets.
     */
    public static RippleContents withAhead(RippleContents c, long seed, int rank) {
        Random rnd = new Random(seed);
        for (PlacedLayer l : c.layers()) {
            FfnLayerSpec s = l.weights().spec();
            LowRankPredictor.aheadTensors(s.index(), randomFactors(rnd, s, rank))
                    .forEach(c::addTensor);
        }
        return c;
    }

    private static LowRankPredictor.Factors randomFactors(Random rnd, FfnLayerSpec s, int rank) {
        int d = s.dModel();
        int n = s.dFfn();
        return new LowRankPredictor.Factors(
                d,
                rank,
                n,
                RandomModels.randomFloats(rnd, d * rank, 0.5f),
                RandomModels.randomFloats(rnd, rank * n, 0.5f),
                RandomModels.randomFloats(rnd, n, 0.1f),
                abs(RandomModels.randomFloats(rnd, n, 0.1f)),
                s.activation(),
                s.reluThreshold());
    }

    /** A random trained predictor of width {@code hidden} for every layer of {@code c}. */
    public static RippleContents withTrained(RippleContents c, long seed, int hidden) {
        Random rnd = new Random(seed);
        for (PlacedLayer l : c.layers()) {
            FfnLayerSpec s = l.weights().spec();
            int d = s.dModel();
            int n = s.dFfn();
            TrainedPredictor.tensors(
                            s.index(),
                            new TrainedPredictor.Layer(
                                    d,
                                    hidden,
                                    n,
                                    RandomModels.randomFloats(rnd, d * hidden, 0.5f),
                                    RandomModels.randomFloats(rnd, hidden, 0.1f),
                                    RandomModels.randomFloats(rnd, hidden * n, 0.5f),
                                    RandomModels.randomFloats(rnd, n, 0.1f),
                                    0f,
                                    true,
                                    null))
                    .forEach(c::addTensor);
        }
        ObjectNode prov = c.provenance();
        prov.putObject(TrainedPredictor.PROVENANCE).put("relu", true);
        return c.provenance(prov);
    }

    /** Random fill-in means, and the constants they give, for every layer of {@code c}. */
    public static RippleContents withFillIn(RippleContents c, long seed) {
        Random rnd = new Random(seed);
        for (PlacedLayer l : c.layers()) {
            FfnLayerSpec s = l.weights().spec();
            FillIn.fromMeans(l.weights(), RandomModels.randomFloats(rnd, s.dFfn(), 0.05f))
                    .tensors(s.index())
                    .forEach(c::addTensor);
        }
        return c;
    }

    private static float[] abs(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]);
        }
        return v;
    }
}
