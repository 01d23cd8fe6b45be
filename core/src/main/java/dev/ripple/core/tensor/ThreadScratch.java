package dev.ripple.core.tensor;

/**
 * A float array per thread, grown on demand and reused, for the kernels' widening scratch: a
 * decode step would otherwise allocate one per row split or per part of every token. Each holder
 * (one per using class) has its own arrays, so two users never share one buffer. The contents are
 * garbage: a caller writes before it reads, and uses the array only until its call returns.
 */
public final class ThreadScratch {
    private final ThreadLocal<float[]> arrays = ThreadLocal.withInitial(() -> new float[0]);

    /** This thread's array of at least {@code n} floats. */
    public float[] floats(int n) {
        float[] s = arrays.get();
        if (s.length < n) {
            s = new float[n];
            arrays.set(s);
        }
        return s;
    }
}
