package dev.ripple.cache;

import java.util.List;

/**
 * A cache policy and its own settings, one record per policy (as Caffeine's simulator gives each
 * policy its settings), so that a setting can only be given to the policy that reads it.
 * {@link #defaults(String)} gives a policy by name with the settings measured as defaults.
 *
 * <pre>{@code
 * CacheSettings lfu = new CacheSettings.Lfu(profiledCounts);                   // seeded from a profile
 * CacheSettings linking = new CacheSettings.Linking(lfu, 3, 0.0, 42);           // linking admission over it
 * BundleCache cache = new BundleCache(budget, bundleBytes, linking.newPolicy());
 * }</pre>
 */
public sealed interface CacheSettings {

    /** The policy's name: {@code none}, {@code lru}, {@code s3fifo}, {@code lfu}, {@code window}, {@code linking}. */
    String name();

    /** A new policy instance with these settings; it belongs to one cache. */
    CachePolicy newPolicy();

    /** No cache: nothing is admitted. */
    record None() implements CacheSettings {
        public String name() {
            return "none";
        }

        public CachePolicy newPolicy() {
            return new NonePolicy();
        }
    }

    /** Least recently used. */
    record Lru() implements CacheSettings {
        public String name() {
            return "lru";
        }

        public CachePolicy newPolicy() {
            return new LruPolicy();
        }
    }

    /** S3-FIFO: a small probationary queue in front of a main one. @param smallRatio the small queue's share of the budget, in (0, 1) */
    record S3Fifo(double smallRatio) implements CacheSettings {
        public S3Fifo {
            if (!(smallRatio > 0 && smallRatio < 1)) {
                throw new IllegalArgumentException("S3-FIFO's small queue ratio must be in (0, 1), was " + smallRatio);
            }
        }

        public String name() {
            return "s3fifo";
        }

        public CachePolicy newPolicy() {
            return new S3FifoPolicy(smallRatio);
        }
    }

    /**
     * Least frequently used, optionally seeded with profiled frequencies.
     *
     * @param slotFrequencies per layer and slot, profiled activation counts or rates; null: every slot starts cold
     */
    record Lfu(double[][] slotFrequencies) implements CacheSettings {
        /** Seeded with profiled counts per layer and slot. */
        public static Lfu seeded(long[][] counts) {
            double[][] f = new double[counts.length][];
            for (int l = 0; l < counts.length; l++) {
                if (counts[l] != null) {
                    f[l] = new double[counts[l].length];
                    for (int s = 0; s < counts[l].length; s++) {
                        f[l][s] = counts[l][s];
                    }
                }
            }
            return new Lfu(f);
        }

        public String name() {
            return "lfu";
        }

        public CachePolicy newPolicy() {
            return new LfuPolicy(slotFrequencies);
        }
    }

    /** @param tokens k: the union of the last k tokens' active slots is kept, k ≥ 1 */
    record Window(int tokens) implements CacheSettings {
        /** LLM in a flash's window for OPT-6.7B is 5 tokens; 4 is this project's default (docs/CACHE.md). */
        public static final int DEFAULT_TOKENS = 4;

        public Window {
            if (tokens < 1) {
                throw new IllegalArgumentException("the window must hold at least one token, was " + tokens);
            }
        }

        public String name() {
            return "window";
        }

        public CachePolicy newPolicy() {
            return new WindowPolicy(tokens);
        }
    }

    /**
     * Ripple's linking admission over an eviction policy. It has no collapse setting of its own: it
     * judges by the reads the caller planned, passed with each lookup, so it cannot disagree with the
     * read planner.
     *
     * @param inner                   the eviction policy underneath (not none, not linking)
     * @param longRun                 L: a planned read with L or more missed slots is not admitted, ≥ 2
     * @param longRunAdmitProbability probability of admitting a slot of a long run anyway, 0..1
     * @param seed                    seed of that random choice
     */
    record Linking(CacheSettings inner, int longRun, double longRunAdmitProbability, long seed)
            implements CacheSettings {
        public Linking {
            if (inner == null || inner instanceof None || inner instanceof Linking) {
                throw new IllegalArgumentException(
                        "linking needs an eviction policy underneath (s3fifo, lru, lfu, window), was "
                                + (inner == null ? null : inner.name()));
            }
            if (longRun < 2) {
                throw new IllegalArgumentException("linking's long run must be ≥ 2, was " + longRun);
            }
            if (!(longRunAdmitProbability >= 0 && longRunAdmitProbability <= 1)) {
                throw new IllegalArgumentException(
                        "linking's long-run admission probability must be in [0, 1], was " + longRunAdmitProbability);
            }
        }

        /** Linking over {@code inner} with the default L = 3, probability 0 and seed 42. */
        public static Linking over(CacheSettings inner) {
            return new Linking(inner, 3, 0.0, 42L);
        }

        public String name() {
            return "linking";
        }

        public CachePolicy newPolicy() {
            return new LinkingPolicy(inner.newPolicy(), longRun, longRunAdmitProbability, seed);
        }
    }

    /** The policy names {@link #defaults} knows. */
    static List<String> names() {
        return List.of("none", "lru", "s3fifo", "lfu", "window", "linking");
    }

    /**
     * The policy named {@code name} with its default settings: S3-FIFO's small queue 10%, an unseeded
     * LFU, a window of 4 tokens, linking over S3-FIFO with L = 3 and probability 0.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
     */
    static CacheSettings defaults(String name) {
        return switch (name) {
            case "none" -> new None();
            case "lru" -> new Lru();
            case "s3fifo" -> new S3Fifo(0.1);
            case "lfu" -> new Lfu(null);
            case "window" -> new Window(Window.DEFAULT_TOKENS);
            case "linking" -> Linking.over(new S3Fifo(0.1));
            case null -> throw new IllegalArgumentException("cache policy name is null; known: " + names());
            default -> throw new IllegalArgumentException("unknown cache policy '" + name + "'; known: " + names());
        };
    }
}
