package dev.ripple.core.tensor;

import dev.ripple.io.concurrent.PerThread;

/**
 * A float array per thread, grown on demand and reused, for the kernels' widening scratch: a
 * decode step would otherwise allocate one per row split or per part of every token. Each holder
 * (one per using class) has its own arrays, so two users never share one buffer. The contents are
 * garbage: a caller writes before it reads, and uses the array only until its call returns.
 *
 * <p>The arrays are kept by a {@link PerThread}, not a thread-local: the common pool's workers,
 * which run the row splits, lose their thread-locals each time they go idle (nearly always between
 * two splits), and a thread-local array was made again at almost every call.
 */
public final class ThreadScratch {
    private final PerThread<Floats> arrays = PerThread.of(Floats::new);

    /** This thread's array of at least {@code n} floats. */
    public float[] floats(int n) {
        Floats mine = arrays.get();
        if (mine.array.length < n) {
            mine.array = new float[n];
        }
        return mine.array;
    }

    /** A thread's array; replaced when a call needs a larger one. Only its thread touches it. */
    private static final class Floats {
        float[] array = new float[0];
    }
}
