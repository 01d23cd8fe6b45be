package dev.ripple.placement.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The planted share of firing FFN neurons, measured on the model's own hidden states (the plain-Java
 * reference forward over 32 tokens, 2 layers × 1,024 neurons, realistic scale initStd 0.02), is the
 * share asked for (within 10% per layer; with clusters, whose members fire or stay silent together, within
 * 30% per layer and 15% over the layers); with clusters, two neurons of a cluster fire together more than
 * 1.5 times as often as chance (measured 1.9-4.3), neurons of different clusters as often as chance (±10%).
 */
class SyntheticPlantedSparsityTest {
    static final int TOKENS = 32;

    @TempDir
    Path dir;

    static Stream<Arguments> variants() {
        SyntheticDecoder opt = SyntheticDecoder.opt(2, 256, 1024, 4, 512, 64);
        SyntheticDecoder llama = SyntheticDecoder.llama(2, 256, 1024, 4, 2, 512).withMaxPositions(64);
        return Stream.of(
                Arguments.of("opt pre-LN", opt.withActiveFraction(0.1)),
                Arguments.of("opt pre-LN, clusters", opt.withActiveFraction(0.1).withClusters(32)),
                Arguments.of(
                        "opt post-LN + projections, clusters",
                        SyntheticDecoder.opt350mLike(2, 256, 4, 128, 512)
                                .withMaxPositions(64)
                                .withActiveFraction(0.2)
                                .withClusters(32)),
                Arguments.of("llama fatrelu", llama.withHiddenAct("fatrelu").withActiveFraction(0.1)),
                Arguments.of(
                        "llama fatrelu, clusters",
                        llama.withHiddenAct("fatrelu").withActiveFraction(0.05).withClusters(32)),
                Arguments.of("llama drelu", llama.withHiddenAct("drelu").withActiveFraction(0.1)),
                Arguments.of(
                        "llama drelu, clusters",
                        llama.withHiddenAct("drelu").withActiveFraction(0.1).withClusters(32)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void theMeasuredShareIsThePlantedOne(String name, SyntheticDecoder spec) throws Exception {
        SyntheticDecoderWriter.write(spec.withSeed(21), dir, "F32", 1);
        int layers = spec.numLayers();
        int n = spec.intermediateSize();
        int[][] assignment = new int[layers][];
        for (int l = 0; l < layers; l++) {
            assignment[l] = spec.withSeed(21).clusterAssignment(l);
        }
        long[] active = new long[layers];
        double[] samePairs = new double[layers];
        double[] otherPairs = new double[layers];
        new DecoderReference(spec.withSeed(21), dir.resolve("model.safetensors"))
                .logits(SyntheticOrtDecoderTest.randomIds(spec.vocabSize(), TOKENS, 8), (layer, t, act) -> {
                    int[] perCluster = new int[Math.max(1, spec.clusters())];
                    int count = 0;
                    for (int i = 0; i < n; i++) {
                        if (act[i] != 0) {
                            count++;
                            if (spec.clusters() > 0) {
                                perCluster[assignment[layer][i]]++;
                            }
                        }
                    }
                    active[layer] += count;
                    long same = 0;
                    for (int a : perCluster) {
                        same += (long) a * (a - 1) / 2;
                    }
                    samePairs[layer] += same;
                    otherPairs[layer] += (double) count * (count - 1) / 2 - same;
                });
        double f = spec.activeFraction();
        double mean = 0;
        for (int l = 0; l < layers; l++) {
            double measured = active[l] / (double) (TOKENS * n);
            mean += measured / layers;
            System.out.printf("%s: layer %d: %.4f active (planted %.2f)%n", name, l, measured, f);
            // clusters make the share vary between tokens (a cluster fires or not as a group), so one layer of
            // 32 tokens estimates it less tightly
            assertEquals(f, measured, (spec.clusters() > 0 ? 0.3 : 0.1) * f, name + " layer " + l);
            if (spec.clusters() > 0) {
                // pairs of neurons in one cluster, and in different ones, over the tokens
                long sameTotal = 0;
                int[] sizes = new int[spec.clusters()];
                for (int c : assignment[l]) {
                    sizes[c]++;
                }
                for (int s : sizes) {
                    sameTotal += (long) s * (s - 1) / 2;
                }
                double otherTotal = (double) n * (n - 1) / 2 - sameTotal;
                double chance = measured * measured;
                double liftSame = samePairs[l] / (TOKENS * sameTotal) / chance;
                double liftOther = otherPairs[l] / (TOKENS * otherTotal) / chance;
                System.out.printf(
                        "%s: layer %d: co-activation lift %.2f within clusters, %.2f across%n",
                        name, l, liftSame, liftOther);
                assertTrue(liftSame > 1.5, name + " layer " + l + ": within-cluster lift " + liftSame);
                assertEquals(1, liftOther, 0.1, name + " layer " + l + ": across-cluster lift");
            }
        }
        assertEquals(f, mean, 0.15 * f, name + ": mean over layers");
    }
}
