package dev.ripple.placement.profile;

/**
 * Per-neuron activation means of one layer over all tokens and over the tokens where the neuron
 * was inactive: the calibration statistics mean fill-in needs, which only the profiler can see.
 */
final class NeuronMeans {
    private final double[] sumAll;
    private final double[] sumInactive;
    private final long[] inactive;
    private long tokens;

    NeuronMeans(int neurons) {
        sumAll = new double[neurons];
        sumInactive = new double[neurons];
        inactive = new long[neurons];
    }

    /** Adds one token; {@code active[i]} says whether neuron i was active in it. */
    void add(float[] acts, int offset, boolean[] active) {
        for (int i = 0; i < sumAll.length; i++) {
            float a = acts[offset + i];
            sumAll[i] += a;
            if (!active[i]) {
                sumInactive[i] += a;
                inactive[i]++;
            }
        }
        tokens++;
    }

    float[] meanAll() {
        float[] m = new float[sumAll.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = tokens == 0 ? 0f : (float) (sumAll[i] / tokens);
        }
        return m;
    }

    float[] meanInactive() {
        float[] m = new float[sumAll.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = inactive[i] == 0 ? 0f : (float) (sumInactive[i] / inactive[i]);
        }
        return m;
    }
}
