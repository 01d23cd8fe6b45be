package dev.ripple.core.model.decoder;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.eclipse.collections.api.list.primitive.IntList;

/**
 * Chooses the next token from a step's logits: greedy (the most likely token, ties to the lowest
 * id) or sampled, after Hugging Face's order of processors: repetition penalty, temperature,
 * top-k, top-p. With a seed the samples are reproducible. One sampler per generation, used by
 * one thread at a time: it holds the random state, and working arrays it reuses from token to token.
 *
 * <p>Logits that are not finite follow fixed rules, greedy or sampled, checked in the one pass
 * that finds the largest logit:
 * <ul>
 *   <li>NaN anywhere: {@link InvalidLogitsException} naming the first NaN, and no token. A NaN is
 *       a numeric fault upstream; a token chosen around it would read as plausible text.</li>
 *   <li>−∞: an impossible token, never chosen while another is possible; every logit −∞:
 *       {@link InvalidLogitsException}.</li>
 *   <li>+∞: a certain token. Greedy takes the lowest index of the +∞ logits. Sampling gives each
 *       +∞ candidate an equal share and every finite one none, the limit of the softmax as those
 *       logits grow together; top-k and top-p then cut those shares as they cut any others (top-k
 *       1 or a small top-p keeps the lowest +∞ index).</li>
 * </ul>
 *
 * <pre>{@code
 * Sampler greedy = Sampler.greedy();
 * Sampler creative = new Sampler(new Sampler.Settings(0.8f, 40, 0.95f, 1.1f, 42L));
 * int next = creative.sample(logits, generatedSoFar);
 * }</pre>
 */
public final class Sampler {

    /**
     * @param temperature       0 for greedy; otherwise logits are divided by it before sampling.
     *                          Finite: an infinite one would turn every finite logit into 0 and
     *                          an infinite one into NaN
     * @param topK              sample among the k most likely tokens only (0: all)
     * @param topP              sample among the smallest set of most likely tokens whose
     *                          probability reaches p (1: all)
     * @param repetitionPenalty divides positive and multiplies negative logits of tokens already
     *                          seen by this factor (1: off), as CTRL and transformers do. Finite:
     *                          an infinite one would make a seen logit of 0 NaN
     * @param seed              seed of the random choice
     */
    public record Settings(float temperature, int topK, float topP, float repetitionPenalty, long seed) {
        public Settings {
            if (!(temperature >= 0 && temperature < Float.POSITIVE_INFINITY)
                    || topK < 0
                    || !(topP > 0 && topP <= 1)
                    || !(repetitionPenalty > 0 && repetitionPenalty < Float.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException(String.format(
                        "sampling needs a finite temperature ≥ 0, top-k ≥ 0, top-p in (0, 1] and a finite repetition"
                                + " penalty > 0; got %s, %d, %s, %s",
                        temperature, topK, topP, repetitionPenalty));
            }
        }

        /** Greedy decoding: temperature 0, no penalty. */
        public static Settings greedy() {
            return new Settings(0f, 0, 1f, 1f, 0L);
        }

        public boolean isGreedy() {
            return temperature == 0f;
        }
    }

    private final Settings settings;
    private final SplittableRandom random;

    public Sampler(Settings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
    }

    public static Sampler greedy() {
        return new Sampler(Settings.greedy());
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The next token for {@code logits}; {@code history} (prompt and generated ids) feeds the
     * repetition penalty.
     *
     * @throws InvalidLogitsException when a logit is NaN or every one is −∞ (see the class comment)
     * @throws IllegalArgumentException when {@code logits} is empty
     */
    public int sample(float[] logits, IntList history) {
        float[] z = logits;
        if (settings.repetitionPenalty() != 1f && history != null && !history.isEmpty()) {
            z = penalized(logits.length);
            System.arraycopy(logits, 0, z, 0, logits.length);
            float penalty = settings.repetitionPenalty();
            boolean[] seen = seen(z.length);
            for (int i = 0; i < history.size(); i++) {
                int id = history.get(i);
                if (id >= 0 && id < z.length && !seen[id]) {
                    seen[id] = true;
                    z[id] = z[id] > 0 ? z[id] / penalty : z[id] * penalty;
                }
            }
            for (int i = 0; i < history.size(); i++) {
                int id = history.get(i);
                if (id >= 0 && id < z.length) {
                    seen[id] = false;
                }
            }
        }
        int best = argmax(z); // also the check of every logit, for the draw too
        return settings.isGreedy() ? best : draw(z);
    }

    /** The sample for logits alone (no repetition penalty). */
    public int sample(float[] logits) {
        return sample(logits, null);
    }

    /**
     * The index of the largest logit, the lowest of equal ones (so the lowest +∞ one), in one pass
     * that also checks every logit.
     *
     * @throws InvalidLogitsException at the first NaN, or when every logit is −∞
     */
    static int argmax(float[] z) {
        if (z.length == 0) {
            throw new IllegalArgumentException("no logits to choose a token from");
        }
        int best = 0;
        float max = z[0];
        for (int i = 0; i < z.length; i++) {
            float v = z[i];
            if (v > max) {
                max = v;
                best = i;
            } else if (v != v) {
                throw InvalidLogitsException.nan(i, z.length);
            }
        }
        if (max == Float.NEGATIVE_INFINITY) {
            throw InvalidLogitsException.allNegativeInfinity(z.length);
        }
        return best;
    }

    // This sampler's working arrays, kept between tokens: a sampler serves one generation, on one
    // thread at a time, and a token needs several vocabulary-sized arrays (PERFORMANCE.md,
    // "Allocation per decode step"). Each is exactly the vocabulary long where its length is read.
    private float[] penalized = new float[0];
    private boolean[] seen = new boolean[0];
    private float[] sorted = new float[0];
    private int[] order = new int[0];
    private int[] merge = new int[0];
    private double[] weights = new double[0];

    private float[] penalized(int n) {
        if (penalized.length != n) {
            penalized = new float[n];
        }
        return penalized;
    }

    /** All false between calls: {@link #sample} clears the ids it set. */
    private boolean[] seen(int n) {
        if (seen.length < n) {
            seen = new boolean[n];
        }
        return seen;
    }

    private int draw(float[] z) {
        // Candidates by descending logit: only the top k when k is set, else every token.
        int k = settings.topK() > 0 ? Math.min(settings.topK(), z.length) : z.length;
        int[] order = topIndices(z, k);
        if (weights.length < k) {
            weights = new double[k];
        }
        return choose(z, order, k, settings, weights, random);
    }

    /**
     * The token drawn among the candidates {@code order[0, k)}, sorted by descending logit: the
     * softmax of the tempered logits, cut to the top-p set, then one uniform draw. Static and given
     * its working array, so that a reference sampler in the tests (fresh arrays, a boxed sort)
     * draws through this same code and checks only what the reuse changes.
     *
     * <p>The logits hold no NaN and not only −∞ ({@link #argmax} checked). The tempered logits are
     * doubles: a float quotient overflows to +∞ under a tiny temperature (200 / 1e-37), and
     * ∞ − ∞ would be NaN. A +∞ logit at the top makes every +∞ candidate's weight 1 and every
     * other's 0 (the class comment's rule).
     *
     * @param p at least k doubles; overwritten
     */
    static int choose(float[] z, int[] order, int k, Settings settings, double[] p, SplittableRandom random) {
        double t = settings.temperature();
        double max = z[order[0]] / t;
        double sum = 0;
        if (max == Double.POSITIVE_INFINITY) {
            for (int i = 0; i < k; i++) {
                p[i] = z[order[i]] == Float.POSITIVE_INFINITY ? 1 : 0;
                sum += p[i];
            }
        } else {
            for (int i = 0; i < k; i++) {
                p[i] = Math.exp(z[order[i]] / t - max);
                sum += p[i];
            }
        }
        int keep = k;
        if (settings.topP() < 1f) {
            double cumulative = 0;
            for (int i = 0; i < k; i++) {
                cumulative += p[i] / sum;
                if (cumulative >= settings.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        double total = 0;
        for (int i = 0; i < keep; i++) {
            total += p[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < keep; i++) {
            u -= p[i];
            if (u < 0) {
                return order[i];
            }
        }
        // u outlived the subtractions by rounding: the last kept candidate that has a chance, not a
        // trailing one of weight 0 (a −∞ logit, or one whose exp underflowed)
        int last = keep - 1;
        while (last > 0 && p[last] == 0) {
            last--;
        }
        return order[last];
    }

    /**
     * Indices of the k largest values in its first k places, largest first, ties to the lower
     * index. The order (descending value, then ascending index) is total for logits without NaN,
     * so the merge sort here gives the permutation any correct sort does, boxed or not.
     */
    private int[] topIndices(float[] z, int k) {
        if (order.length < z.length) {
            order = new int[z.length];
            merge = new int[z.length];
        }
        int[] idx = order;
        if (k < z.length) {
            // Keep the k best with a partial pass: a threshold from a sorted copy, then index order.
            if (sorted.length < z.length) {
                sorted = new float[z.length];
            }
            System.arraycopy(z, 0, sorted, 0, z.length);
            Arrays.sort(sorted, 0, z.length);
            float cut = sorted[z.length - k];
            int above = 0;
            for (float v : z) {
                if (v > cut) {
                    above++;
                }
            }
            int ties = k - above;
            int m = 0;
            for (int i = 0; i < z.length && m < k; i++) {
                if (z[i] > cut || (z[i] == cut && ties-- > 0)) {
                    idx[m++] = i;
                }
            }
        } else {
            for (int i = 0; i < k; i++) {
                idx[i] = i;
            }
        }
        sortByLogit(z, idx, merge, k);
        return idx;
    }

    /** Sorts {@code idx[0, k)} by descending {@code z}, ties by ascending index: bottom-up merges through {@code tmp}. */
    private static void sortByLogit(float[] z, int[] idx, int[] tmp, int k) {
        int[] from = idx;
        int[] to = tmp;
        for (int width = 1; width < k; width *= 2) {
            for (int lo = 0; lo < k; lo += 2 * width) {
                int mid = Math.min(lo + width, k);
                int hi = Math.min(lo + 2 * width, k);
                int i = lo;
                int j = mid;
                int o = lo;
                while (i < mid && j < hi) {
                    to[o++] = before(z, from[j], from[i]) ? from[j++] : from[i++];
                }
                while (i < mid) {
                    to[o++] = from[i++];
                }
                while (j < hi) {
                    to[o++] = from[j++];
                }
            }
            int[] swap = from;
            from = to;
            to = swap;
        }
        if (from != idx) {
            System.arraycopy(from, 0, idx, 0, k);
        }
    }

    /** Whether index a comes before b: the larger logit first, then the lower index. */
    private static boolean before(float[] z, int a, int b) {
        return z[a] != z[b] ? Float.compare(z[b], z[a]) < 0 : a < b;
    }
}
