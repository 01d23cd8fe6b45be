package dev.ripple.placement.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.eval.SyntheticTraces;
import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.stats.CountingOptions;
import dev.ripple.placement.stats.LayerStats;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact order {@code ripple+} gives for seeded synthetic layers, so that a change meant
 * only to make the local search faster (caching, layout, early exits) shows at once if it accepts
 * a different move or the same moves in a different order. The digests were computed with the
 * search as it was before such work; a deliberate change of the algorithm updates them.
 */
class RefinedPathPinnedOrderTest {

    @Test
    void defaultOptionsOnAnExactLayer() {
        LayerStats stats = layer(1200, 3000, 11, CountingOptions.defaults());
        assertPinned(new RefinedPathPlacement(), stats, "sweeps=4 moves=579 gain=5646 (kicks 129)", "cc6fb552809ee98a");
    }

    @Test
    void threeDistanceWeightsAndManyKicks() {
        LayerStats stats = layer(800, 2000, 12, CountingOptions.defaults());
        RefinedPathOptions options = new RefinedPathOptions(new int[] {8, 3, 1}, 8, 20, Duration.ofHours(1), 1.0, 6, 5);
        assertPinned(
                new RefinedPathPlacement(options),
                stats,
                "sweeps=7 moves=402 gain=7819 (kicks 1345)",
                "71a6c61923d7da26");
    }

    @Test
    void topKStatistics() {
        CountingOptions d = CountingOptions.defaults();
        LayerStats stats = layer(900, 2000, 13, new CountingOptions(d.threads(), 0, 32, d.tokenBlock()));
        assertTrue(!stats.exact(), "a zero dense budget gives top-K lists");
        assertPinned(new RefinedPathPlacement(), stats, "sweeps=5 moves=420 gain=4537 (kicks 415)", "37685ce931e4db74");
    }

    private static LayerStats layer(int neurons, int tokens, long seed, CountingOptions counting) {
        return new CoActivationCounter(counting)
                .count(SyntheticTraces.generate(SyntheticTraces.Spec.realistic(neurons, tokens, seed)), 0);
    }

    private static void assertPinned(RefinedPathPlacement ripplePlus, LayerStats stats, String summary, String digest) {
        RefinedPathPlacement.Search s = ripplePlus.search(stats);
        assertTrue(Permutations.isPermutation(s.order(), stats.neurons()));
        assertEquals(summary + " " + digest, s.summary() + " " + digest(s.order()));
    }

    /** The first 8 bytes of the SHA-256 of the order's ints, big-endian, in hex. */
    private static String digest(int[] order) {
        try {
            ByteBuffer bytes = ByteBuffer.allocate(order.length * Integer.BYTES);
            bytes.asIntBuffer().put(order);
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes.array());
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
