package dev.ripple.placement.eval;

import dev.ripple.placement.synthetic.FiringSet;
import dev.ripple.placement.synthetic.PlantedClusters;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceInfo;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Synthetic activation traces with the structure placement feeds on, for tests and benchmarks
 * when no model trace is at hand: neurons belong to clusters that fire together (each member
 * with some probability), cluster popularity is skewed, some neurons also belong to a second
 * cluster (so no order can make every cluster contiguous), a few hot neurons fire often on their
 * own, and independent noise fires anywhere. Neuron ids are shuffled, so the original order
 * carries no structure. Deterministic for a given spec.
 *
 * <pre>{@code
 * ActivationTrace trace = SyntheticTraces.generate(SyntheticTraces.Spec.realistic(4096, 20_000, 42));
 * }</pre>
 */
public final class SyntheticTraces {
    private SyntheticTraces() {}

    /**
     * @param layers            layers generated (independent structure each)
     * @param neurons           neurons per layer
     * @param tokens            tokens per layer
     * @param clusterSize       members per cluster (primary membership)
     * @param clustersPerToken  mean clusters active per token
     * @param skew              cluster popularity ~ 1 / rank^skew (0 = uniform)
     * @param memberProbability probability a member of an active cluster fires
     * @param overlap           fraction of neurons also in a second cluster
     * @param hotFraction       fraction of neurons that are hot
     * @param hotProbability    firing probability of a hot neuron per token
     * @param noise             firing probability of any neuron per token, independently
     * @param seed              RNG seed
     */
    public record Spec(
            int layers,
            int neurons,
            int tokens,
            int clusterSize,
            double clustersPerToken,
            double skew,
            double memberProbability,
            double overlap,
            double hotFraction,
            double hotProbability,
            double noise,
            long seed) {

        /** About 5% activity: clusters of 32, ~20 active, 20% overlap, 2% hot, 1% noise. */
        public static Spec realistic(int neurons, int tokens, long seed) {
            return new Spec(
                    1, neurons, tokens, 32, Math.max(1, neurons / 32.0 * 0.04), 0.6, 0.7, 0.2, 0.02, 0.4, 0.01, seed);
        }

        public Spec withLayers(int l) {
            return new Spec(
                    l,
                    neurons,
                    tokens,
                    clusterSize,
                    clustersPerToken,
                    skew,
                    memberProbability,
                    overlap,
                    hotFraction,
                    hotProbability,
                    noise,
                    seed);
        }
    }

    public static ActivationTrace generate(Spec spec) {
        int[] neurons = new int[spec.layers()];
        Arrays.fill(neurons, spec.neurons());
        ActivationTrace.Builder trace = ActivationTrace.builder(
                new TraceInfo("synthetic " + spec, "synthetic", "synthetic", spec.tokens()), neurons);
        for (int l = 0; l < spec.layers(); l++) {
            generateLayer(spec, new SplittableRandom(spec.seed() * 1_000_003L + l), trace, l);
        }
        return trace.build();
    }

    private static void generateLayer(Spec spec, SplittableRandom rnd, ActivationTrace.Builder trace, int layer) {
        int n = spec.neurons();
        PlantedClusters planted = PlantedClusters.deal(rnd, n, spec.clusterSize(), spec.overlap());
        int[] shuffle = planted.shuffle();
        int[][] members = planted.members();
        int clusters = planted.clusters();
        double[] popularity = new double[clusters];
        double sum = 0;
        for (int c = 0; c < clusters; c++) {
            popularity[c] = 1 / Math.pow(c + 1, spec.skew());
            sum += popularity[c];
        }
        for (int c = 0; c < clusters; c++) {
            popularity[c] = Math.min(1, popularity[c] * spec.clustersPerToken() / sum);
        }
        int hot = (int) Math.round(n * spec.hotFraction());
        int[] hotIds = new int[hot];
        for (int h = 0; h < hot; h++) {
            hotIds[h] = shuffle[rnd.nextInt(n)];
        }
        FiringSet firing = new FiringSet(n);
        for (int t = 0; t < spec.tokens(); t++) {
            for (int c = 0; c < clusters; c++) {
                if (rnd.nextDouble() < popularity[c]) {
                    firing.fireEach(members[c], spec.memberProbability(), rnd);
                }
            }
            firing.fireEach(hotIds, spec.hotProbability(), rnd);
            firing.fireNoise(spec.noise(), rnd);
            trace.add(layer, firing.take());
        }
    }
}
