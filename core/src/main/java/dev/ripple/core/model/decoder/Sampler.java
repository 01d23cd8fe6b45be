package dev.ripple.core.model.decoder;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.eclipse.collections.api.list.primitive.IntList;

/**
 * Chooses the next token from a step's logits: greedy (the most likely token, ties to the lowest
 * id) or sampled, after Hugging Face's order of processors: repetition penalty, temperature,
 * top-k, top-p. With a seed the samples are reproducible. One sampler per generation: it holds
 * the random state.
 *
 * <pre>{@code
 * Sampler greedy = Sampler.greedy();
 * Sampler creative = new Sampler(new Sampler.Settings(0.8f, 40, 0.95f, 1.1f, 42L));
 * int next = creative.sample(logits, generatedSoFar);
 * }</pre>
 */
public final class Sampler {

    /**
     * @param temperature       0 for greedy; otherwise logits are divided by it before sampling
     * @param topK              sample among the k most likely tokens only (0: all)
     * @param topP              sample among the smallest set of most likely tokens whose
     *                          probability reaches p (1: all)
     * @param repetitionPenalty divides positive and multiplies negative logits of tokens already
     *                          seen by this factor (1: off), as CTRL and transformers do
     * @param seed              seed of the random choice
     */
    public record Settings(float temperature, int topK, float topP, float repetitionPenalty, long seed) {
        public Settings {
            if (!(temperature >= 0) || topK < 0 || !(topP > 0 && topP <= 1) || !(repetitionPenalty > 0)) {
                throw new IllegalArgumentException("sampling needs temperature ≥ 0, top-k ≥ 0, top-p in (0, 1] and a "
                        + "repetition penalty > 0; got " + temperature + ", " + topK + ", " + topP + ", "
                        + repetitionPenalty);
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

    /** The next token for {@code logits}; {@code history} (prompt and generated ids) feeds the repetition penalty. */
    public int sample(float[] logits, IntList history) {
        float[] z = logits;
        if (settings.repetitionPenalty() != 1f && history != null && !history.isEmpty()) {
            z = logits.clone();
            float penalty = settings.repetitionPenalty();
            boolean[] seen = new boolean[z.length];
            for (int i = 0; i < history.size(); i++) {
                int id = history.get(i);
                if (id >= 0 && id < z.length && !seen[id]) {
                    seen[id] = true;
                    z[id] = z[id] > 0 ? z[id] / penalty : z[id] * penalty;
                }
            }
        }
        if (settings.isGreedy()) {
            return argmax(z);
        }
        return draw(z);
    }

    /** The sample for logits alone (no repetition penalty). */
    public int sample(float[] logits) {
        return sample(logits, null);
    }

    static int argmax(float[] z) {
        int best = 0;
        for (int i = 1; i < z.length; i++) {
            if (z[i] > z[best]) {
                best = i;
            }
        }
        return best;
    }

    private int draw(float[] z) {
        int n = z.length;
        float t = settings.temperature();
        // Candidates by descending logit: only the top k when k is set, else every token.
        int k = settings.topK() > 0 ? Math.min(settings.topK(), n) : n;
        int[] order = topIndices(z, k);
        double max = z[order[0]] / t;
        double[] p = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            p[i] = Math.exp(z[order[i]] / t - max);
            sum += p[i];
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
        return order[keep - 1];
    }

    /** Indices of the k largest values, largest first, ties to the lower index. */
    private static int[] topIndices(float[] z, int k) {
        Integer[] idx = new Integer[z.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        if (k < z.length) {
            // Keep the k best with a partial pass: a threshold from a sorted copy, then stable order.
            float[] sorted = z.clone();
            Arrays.sort(sorted);
            float cut = sorted[z.length - k];
            int above = 0;
            for (float v : z) {
                if (v > cut) {
                    above++;
                }
            }
            int ties = k - above;
            int[] picked = new int[k];
            int m = 0;
            for (int i = 0; i < z.length && m < k; i++) {
                if (z[i] > cut || (z[i] == cut && ties-- > 0)) {
                    picked[m++] = i;
                }
            }
            idx = new Integer[k];
            for (int i = 0; i < k; i++) {
                idx[i] = picked[i];
            }
        }
        Arrays.sort(idx, (a, b) -> z[a] != z[b] ? Float.compare(z[b], z[a]) : Integer.compare(a, b));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
