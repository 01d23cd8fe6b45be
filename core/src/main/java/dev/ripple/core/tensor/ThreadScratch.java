package dev.ripple.core.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A float array per thread, grown on demand and reused, for the kernels' widening scratch: a
 * decode step would otherwise allocate one per row split or per part of every token. Each holder
 * (one per using class) has its own arrays, so two users never share one buffer. The contents are
 * garbage: a caller writes before it reads, and uses the array only until its call returns.
 *
 * <p>A thread's array is kept in a thread-local, except on the common pool's workers: the JDK
 * clears their thread-locals each time one goes idle (its workers are "innocuous" threads;
 * {@code ForkJoinPool.awaitWork}), which between two row splits is nearly always, so a thread-local
 * array was made again at almost every call. Their arrays are kept by the worker's pool index
 * instead, which no two live workers share and which a worker keeps for its life.
 */
public final class ThreadScratch {
    private final ThreadLocal<float[]> arrays = ThreadLocal.withInitial(() -> new float[0]);
    /** The common pool's workers' arrays, by pool index; grown under this object's lock. */
    private volatile AtomicReferenceArray<float[]> pooled = new AtomicReferenceArray<>(0);

    /** This thread's array of at least {@code n} floats. */
    public float[] floats(int n) {
        if (Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool()) {
            return pooledFloats(w.getPoolIndex(), n);
        }
        float[] s = arrays.get();
        if (s.length < n) {
            s = new float[n];
            arrays.set(s);
        }
        return s;
    }

    private float[] pooledFloats(int index, int n) {
        AtomicReferenceArray<float[]> slots = slotsHolding(index);
        float[] s = slots.get(index);
        if (s == null || s.length < n) {
            s = new float[n];
            slots.set(index, s);
        }
        return s;
    }

    /**
     * The slots, grown to hold {@code index}. A worker that sets its slot in the old slots while
     * another grows them loses that array to the copy and makes one again next time: one spare
     * array, never a shared one.
     */
    private AtomicReferenceArray<float[]> slotsHolding(int index) {
        AtomicReferenceArray<float[]> slots = pooled;
        if (index < slots.length()) {
            return slots;
        }
        synchronized (this) {
            slots = pooled;
            if (index >= slots.length()) {
                AtomicReferenceArray<float[]> grown =
                        new AtomicReferenceArray<>(Math.max(index + 1, 2 * slots.length()));
                for (int i = 0; i < slots.length(); i++) {
                    grown.set(i, slots.get(i));
                }
                pooled = grown;
                slots = grown;
            }
            return slots;
        }
    }
}
