package dev.ripple.core.model.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.junit.jupiter.api.Test;

/** Greedy and sampled choices: the processors' order, seeds, and their edge cases. */
class SamplerTest {

    private static float[] logits(long seed, int n) {
        Random r = new Random(seed);
        float[] z = new float[n];
        for (int i = 0; i < n; i++) {
            z[i] = (float) r.nextGaussian() * 3;
        }
        return z;
    }

    @Test
    void greedyTakesTheLargestAndTheLowestIdOnTies() {
        assertEquals(2, Sampler.greedy().sample(new float[] {1, 3, 5, 5, -1}));
        float[] z = logits(1, 500);
        int best = 0;
        for (int i = 1; i < z.length; i++) {
            best = z[i] > z[best] ? i : best;
        }
        assertEquals(best, Sampler.greedy().sample(z));
    }

    @Test
    void aSeedMakesSamplingReproducibleAndDifferentSeedsDiffer() {
        float[] z = logits(2, 1000);
        Sampler.Settings s = new Sampler.Settings(1.2f, 0, 1f, 1f, 99);
        Sampler a = new Sampler(s);
        Sampler b = new Sampler(s);
        Sampler c = new Sampler(new Sampler.Settings(1.2f, 0, 1f, 1f, 100));
        int[] ra = new int[50];
        int[] rc = new int[50];
        for (int i = 0; i < 50; i++) {
            ra[i] = a.sample(z);
            assertEquals(ra[i], b.sample(z), "draw " + i);
            rc[i] = c.sample(z);
        }
        assertNotEquals(Arrays.toString(ra), Arrays.toString(rc));
    }

    @Test
    void topKOneAndATinyTopPAreGreedy() {
        float[] z = logits(3, 300);
        int best = Sampler.greedy().sample(z);
        Sampler k1 = new Sampler(new Sampler.Settings(5f, 1, 1f, 1f, 7));
        Sampler p = new Sampler(new Sampler.Settings(1f, 0, 1e-6f, 1f, 7));
        for (int i = 0; i < 20; i++) {
            assertEquals(best, k1.sample(z));
            assertEquals(best, p.sample(z));
        }
    }

    @Test
    void topKKeepsDrawsAmongTheKMostLikely() {
        float[] z = logits(4, 200);
        Integer[] order = new Integer[z.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Float.compare(z[y], z[x]));
        Set<Integer> top5 = new HashSet<>(Arrays.asList(order).subList(0, 5));
        Sampler s = new Sampler(new Sampler.Settings(10f, 5, 1f, 1f, 11));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            int t = s.sample(z);
            assertTrue(top5.contains(t), "draw " + t + " outside the top 5");
            seen.add(t);
        }
        assertEquals(5, seen.size(), "a high temperature reaches all five");
    }

    @Test
    void samplingFollowsTheSoftmaxOfTheTemperedLogits() {
        float[] z = {0f, (float) Math.log(3)}; // probabilities 1/4 and 3/4 at temperature 1
        Sampler s = new Sampler(new Sampler.Settings(1f, 0, 1f, 1f, 5));
        int ones = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            ones += s.sample(z);
        }
        assertEquals(0.75, ones / (double) n, 0.015);
    }

    /**
     * Top-p keeps the fewest most likely tokens whose probabilities reach p, the one that crosses it
     * included, and draws among them in proportion: expectations worked out by hand, not by the
     * sampler's own code (the reference sampler below shares its draw).
     */
    @Test
    void topPKeepsTheFewestTokensThatReachPAndRenormalizes() {
        float[] z = {(float) Math.log(5), (float) Math.log(3), (float) Math.log(2)}; // 0.5, 0.3, 0.2
        Sampler atBoundary = new Sampler(new Sampler.Settings(1f, 0, 0.5f, 1f, 3));
        for (int i = 0; i < 200; i++) {
            assertEquals(0, atBoundary.sample(z), "0.5 reaches p = 0.5 on its own");
        }
        Sampler twoKept = new Sampler(new Sampler.Settings(1f, 0, 0.7f, 1f, 3));
        int[] counts = new int[3];
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            counts[twoKept.sample(z)]++;
        }
        assertEquals(0, counts[2], "0.5 + 0.3 reach 0.7: the third is cut");
        assertEquals(0.3 / 0.8, counts[1] / (double) n, 0.015, "renormalized over the two kept");
    }

    @Test
    void theRepetitionPenaltyMovesAwayFromSeenTokens() {
        float[] z = {2f, 1.9f, -1f};
        IntArrayList history = IntArrayList.newListWith(0);
        assertEquals(0, Sampler.greedy().sample(z, history));
        Sampler penalised = new Sampler(new Sampler.Settings(0f, 0, 1f, 1.2f, 0));
        assertEquals(1, penalised.sample(z, history), "2 / 1.2 < 1.9");
        float[] negative = {-1f, -1.1f};
        assertEquals(1, penalised.sample(negative, IntArrayList.newListWith(0)), "-1 · 1.2 < -1.1");
    }

    /**
     * The sampler keeps its working arrays from token to token: its draws equal those of the
     * earlier sampler, which sorted boxed indices and allocated every array per token (written out
     * below), token after token on one sampler, through repeated logits (ties), a vocabulary that
     * shrinks and grows again, and a repetition penalty whose seen marks must not outlive a call.
     */
    @Test
    void reusedWorkingArraysDrawWhatFreshOnesDid() {
        Sampler.Settings[] settings = {
            new Sampler.Settings(0.8f, 40, 0.95f, 1.1f, 7),
            new Sampler.Settings(1.3f, 0, 0.9f, 1f, 8),
            new Sampler.Settings(1f, 0, 1f, 1.3f, 9),
            new Sampler.Settings(0.7f, 5, 1f, 1f, 10)
        };
        for (Sampler.Settings st : settings) {
            Sampler reused = new Sampler(st);
            ReferenceSampler fresh = new ReferenceSampler(st);
            IntArrayList history = IntArrayList.newListWith(3, 3, 17);
            for (int token = 0; token < 60; token++) {
                int n = token % 3 == 2 ? 97 : 400;
                float[] z = logits(token + 1000L * st.seed(), n);
                for (int i = 0; i < n; i += 7) {
                    z[i] = Math.round(z[i]); // ties among the candidates
                }
                int a = reused.sample(z, history);
                assertEquals(fresh.sample(z, history), a, st + ", token " + token);
                history.add(a);
            }
        }
    }

    /**
     * The sampler as it was before it reused its arrays, the reference of the test above: a fresh
     * penalized copy and seen marks, and a boxed sort of every index, then the same draw among the
     * candidates ({@link Sampler#choose}, given a fresh weight array).
     */
    private static final class ReferenceSampler {
        private final Sampler.Settings settings;
        private final SplittableRandom random;

        ReferenceSampler(Sampler.Settings settings) {
            this.settings = settings;
            this.random = new SplittableRandom(settings.seed());
        }

        int sample(float[] logits, IntArrayList history) {
            float[] z = logits;
            if (settings.repetitionPenalty() != 1f && !history.isEmpty()) {
                z = logits.clone();
                boolean[] seen = new boolean[z.length];
                for (int i = 0; i < history.size(); i++) {
                    int id = history.get(i);
                    if (id >= 0 && id < z.length && !seen[id]) {
                        seen[id] = true;
                        float penalty = settings.repetitionPenalty();
                        z[id] = z[id] > 0 ? z[id] / penalty : z[id] * penalty;
                    }
                }
            }
            int n = z.length;
            int k = settings.topK() > 0 ? Math.min(settings.topK(), n) : n;
            float[] zz = z;
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            Arrays.sort(idx, (a, b) -> zz[a] != zz[b] ? Float.compare(zz[b], zz[a]) : Integer.compare(a, b));
            int[] order = new int[k];
            for (int i = 0; i < k; i++) {
                order[i] = idx[i];
            }
            return Sampler.choose(z, order, k, settings, new double[k], random);
        }
    }

    private static final Sampler.Settings TEMPERATURE_ONE = new Sampler.Settings(1f, 0, 1f, 1f, 13);

    private static float[] filled(int n, float value) {
        float[] z = new float[n];
        Arrays.fill(z, value);
        return z;
    }

    /** A NaN logit throws, naming the first NaN, greedy or sampled, before any token is chosen. */
    @Test
    void aNanLogitThrowsNamingTheFirstNan() {
        Sampler[] samplers = {
            Sampler.greedy(),
            new Sampler(TEMPERATURE_ONE),
            new Sampler(new Sampler.Settings(0.7f, 2, 0.9f, 1f, 13)),
            new Sampler(new Sampler.Settings(0f, 0, 1f, 1.3f, 13))
        };
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        Object[][] cases = {
            {filled(10, nan), 0},
            {new float[] {1f, 2f, nan, 3f, nan}, 2},
            {new float[] {inf, 0f, -inf, nan}, 3},
            {new float[] {nan, 5f}, 0}
        };
        for (Sampler s : samplers) {
            for (Object[] c : cases) {
                float[] z = (float[]) c[0];
                InvalidLogitsException e = assertThrows(
                        InvalidLogitsException.class,
                        () -> s.sample(z, IntArrayList.newListWith(0, 1)),
                        s.settings() + " on " + Arrays.toString(z));
                assertEquals(InvalidLogitsException.Fault.NAN, e.fault());
                assertEquals((int) c[1], e.nanIndex(), Arrays.toString(z));
                assertEquals(z.length, e.vocabulary());
                assertTrue(e.getMessage().contains("logit " + c[1] + " of " + z.length + " is NaN"), e.getMessage());
            }
        }
    }

    @Test
    void logitsThatAreAllNegativeInfinityThrowAndANegativeInfinityIsNeverChosen() {
        for (Sampler s : new Sampler[] {Sampler.greedy(), new Sampler(TEMPERATURE_ONE)}) {
            InvalidLogitsException e =
                    assertThrows(InvalidLogitsException.class, () -> s.sample(filled(10, Float.NEGATIVE_INFINITY)));
            assertEquals(InvalidLogitsException.Fault.ALL_NEGATIVE_INFINITY, e.fault());
            assertEquals(-1, e.nanIndex());
            assertTrue(e.getMessage().contains("all 10 logits are -Infinity"), e.getMessage());
            float[] one = filled(10, Float.NEGATIVE_INFINITY);
            one[6] = -50f;
            for (int i = 0; i < 100; i++) {
                assertEquals(6, s.sample(one), "the only possible token");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Sampler.greedy().sample(new float[0]));
    }

    /**
     * +∞ logits at 3 and 7, the rest 0: greedy takes 3, the lowest; sampling draws 3 and 7 half
     * the time each and nothing else; top-k 1 keeps 3 alone, and so does top-p 0.5 (3's share of
     * 1/2 reaches it on its own). A finite logit never competes with +∞.
     */
    @Test
    void positiveInfinitiesShareTheChoiceAndTheLowestWinsGreedy() {
        float[] z = new float[10];
        z[3] = Float.POSITIVE_INFINITY;
        z[7] = Float.POSITIVE_INFINITY;
        z[5] = Float.MAX_VALUE;
        assertEquals(3, Sampler.greedy().sample(z));
        Sampler s = new Sampler(TEMPERATURE_ONE);
        int[] counts = new int[z.length];
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            counts[s.sample(z)]++;
        }
        assertEquals(n, counts[3] + counts[7], "only the +∞ tokens: " + Arrays.toString(counts));
        assertEquals(0.5, counts[3] / (double) n, 0.02);
        Sampler topK1 = new Sampler(new Sampler.Settings(1f, 1, 1f, 1f, 13));
        Sampler topHalf = new Sampler(new Sampler.Settings(1f, 0, 0.5f, 1f, 13));
        Sampler topK5 = new Sampler(new Sampler.Settings(2f, 5, 1f, 1f, 13));
        Set<Integer> drawn = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertEquals(3, topK1.sample(z));
            assertEquals(3, topHalf.sample(z));
            drawn.add(topK5.sample(z));
        }
        assertEquals(Set.of(3, 7), drawn);
    }

    /**
     * Under a temperature so small that a float quotient overflows (200 / 1e-37 > 3.4e38), the
     * larger logit is still the one drawn: the limit of the softmax as the temperature goes to 0.
     */
    @Test
    void aTinyTemperatureDrawsTheLargestLogit() {
        Sampler s = new Sampler(new Sampler.Settings(1e-37f, 0, 1f, 1f, 13));
        for (int i = 0; i < 50; i++) {
            assertEquals(1, s.sample(new float[] {100f, 200f, -300f}));
        }
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Settings(Float.POSITIVE_INFINITY, 0, 1f, 1f, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Settings(1f, 0, 1f, Float.POSITIVE_INFINITY, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Settings(-1f, 0, 1f, 1f, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Settings(1f, 0, 0f, 1f, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Settings(1f, 0, 1f, 0f, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Settings(Float.NaN, 0, 1f, 1f, 0));
    }
}
