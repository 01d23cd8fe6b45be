package dev.ripple.placement.synthetic;

import java.nio.charset.StandardCharsets;

/**
 * A seeded stream of standard normal samples that is the same on every JVM and platform:
 * SplitMix64 for the bits, Marsaglia's polar method for the normals, {@link StrictMath#log} (whose
 * results are specified bit for bit) and {@link Math#sqrt} (correctly rounded by IEEE 754). Keys come
 * from {@link #key(long, String)}, so a tensor's values depend only on the model seed and the
 * tensor's name, never on what was generated before it.
 */
final class Gaussians {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;
    private double spare;
    private boolean hasSpare;

    Gaussians(long key) {
        this.state = key;
    }

    /** A stream key from a seed and a name (FNV-1a over the name's UTF-8 bytes, mixed with the seed). */
    static long key(long seed, String name) {
        long h = 0xCBF29CE484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001B3L;
        }
        return mix(mix(seed ^ GOLDEN) ^ h);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    int nextInt(int bound) {
        return (int) ((nextLong() >>> 33) * bound >>> 31);
    }

    double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * StrictMath.log(s) / s);
        spare = v * m;
        hasSpare = true;
        return u * m;
    }
}
