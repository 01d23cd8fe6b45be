package dev.ripple.io.concurrent;

import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One value per thread: made at a thread's first {@link #get}, handed back to that thread alone at
 * every later call, and freed once the thread has ended or the holder closes. For working memory a
 * thread reuses from call to call (scratch arrays, a model's per-thread buffers, an io_uring ring).
 *
 * <p><b>Why not a plain {@link ThreadLocal}.</b> On JDK 25 the common pool's workers are
 * "innocuous" threads, and {@code ForkJoinPool.awaitWork} erases their thread-locals each time one
 * goes idle, which between two parallel calls is nearly always: a thread-local value was made again
 * at almost every call on the pool (a parallel stream, a {@code CompletableFuture}, a row split),
 * and one holding memory outside the heap (a ring, an arena) was lost to its thread still
 * allocated. And a thread-local's value goes with its thread, to the GC, which frees no such
 * memory at a time anyone can rely on.
 *
 * <p><b>Where a thread's value is found.</b> Without a lock or an allocation once the thread has
 * its value:
 *
 * <ul>
 *   <li>a common-pool worker's by its pool index ({@link ForkJoinWorkerThread#getPoolIndex}: no two
 *       live workers share one and a worker keeps its own for life), in a slot that names its owner,
 *       since a later worker may take the index of one that ended;
 *   <li>any other thread's in a thread-local of this holder.
 * </ul>
 *
 * Otherwise (a thread's first call, or a thread-local some other pool cleared) the thread takes
 * this holder's lock and finds the value it already owns by its {@linkplain Thread#threadId id},
 * or else makes its own, in constant time however many threads hold values.
 *
 * <p><b>When an ended thread's value is freed.</b> A thread about to make its value first sweeps
 * out the values of threads that have ended, if the holder has come to hold twice as many values
 * as its last sweep kept (or any value, if that sweep kept none). A sweep looks at every value:
 * sweeping at every new thread made the first calls of {@code n} threads alive together cost
 * {@code n²}, where sweeping at each doubling costs a constant per new thread. So if the last sweep
 * kept {@code s} values, the holder keeps at most {@code max(1, 2s)} besides the newest thread's
 * (those of ended threads included): one thread per request, one after another, leaves one value
 * behind (the next new thread frees it); beside {@code s} threads that live on, at most {@code s}.
 * {@link #close} frees every value. A failure to free an ended thread's value does not fail the
 * new thread's call: it is logged at {@code WARNING}, or added as suppressed to the exception
 * {@code make} threw.
 *
 * <p><b>Thread safety.</b> The map of values and the pool-index slots change only under the lock.
 * The slots are copied on write and published by a volatile write, never changed in place, so a
 * worker reading them without the lock sees whole slots. A value is handed only to the thread that
 * owns it (a slot's owner is checked against the caller, as is a map entry's, the id alone being
 * trusted nowhere; a thread-local is the thread's own), so values need no synchronization of their
 * own. A value is freed by whoever removes it from the map, under the lock, so no value is freed
 * twice; freeing itself runs outside the lock, making a value inside it (once per thread, so
 * another thread's first call may wait for it). Owners are held weakly: a value does not keep its
 * ended thread's object.
 *
 * @param <V> the value each thread owns
 */
public final class PerThread<V> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PerThread.class.getName());

    private final Supplier<? extends V> make;
    private final Consumer<? super V> free;
    private final ThreadLocal<Owned<V>> local = new ThreadLocal<>();
    private final Object lock = new Object();
    /** Every value not yet freed, by its owner's thread id; guarded by {@link #lock}. */
    private final Map<Long, Owned<V>> owned = new HashMap<>();
    /** How many values {@link #owned} holds when the next new thread sweeps it; guarded by {@link #lock}. */
    private int sweepAt = 1;
    /** Values sweeps have looked at, over this holder's life; guarded by {@link #lock}. */
    private long swept;
    /** The common pool's workers' values, by pool index; replaced whole under {@link #lock}. */
    private volatile Owned<V>[] byPoolIndex = none();

    private volatile boolean closed;

    private PerThread(Supplier<? extends V> make, Consumer<? super V> free) {
        this.make = make;
        this.free = free;
    }

    /** A holder of values that hold only heap memory: an ended thread's is dropped, for the GC. */
    public static <V> PerThread<V> of(Supplier<? extends V> make) {
        return new PerThread<>(make, v -> {});
    }

    /**
     * A holder whose values must be freed: {@code free} runs once on each, when a new thread's sweep
     * finds its thread ended, when its thread {@linkplain #discard discards} it, or at
     * {@link #close}.
     */
    public static <V> PerThread<V> of(Supplier<? extends V> make, Consumer<? super V> free) {
        return new PerThread<>(make, free);
    }

    /**
     * The calling thread's value, made now if the thread has none. Exceptions from {@code make}
     * propagate, and the thread's next call tries again.
     *
     * @throws IllegalStateException if this holder is closed
     */
    public V get() {
        if (closed) {
            throw closedException();
        }
        Thread thread = Thread.currentThread();
        Owned<V> mine = cached(thread);
        return mine != null ? mine.value : slowGet(thread);
    }

    /** The calling thread's value if it has one, without making one; empty once closed. */
    public Optional<V> peek() {
        if (closed) {
            return Optional.empty();
        }
        Thread thread = Thread.currentThread();
        Owned<V> mine = cached(thread);
        if (mine == null) {
            synchronized (lock) {
                mine = find(thread);
            }
        }
        return mine == null ? Optional.empty() : Optional.of(mine.value);
    }

    /**
     * Frees the calling thread's value if it is {@code value}, so that the thread's next
     * {@link #get} makes a new one: for a value the thread must not use again (a call failed while
     * others may still write into it, or it grew too large to keep).
     *
     * @return whether {@code value} was the calling thread's, and is now freed
     */
    public boolean discard(V value) {
        Thread thread = Thread.currentThread();
        synchronized (lock) {
            Owned<V> mine = find(thread);
            if (mine == null || mine.value != value) {
                return false;
            }
            owned.remove(thread.threadId());
            forget(thread);
        }
        free.accept(value);
        return true;
    }

    /** How many values this holder keeps now: those of live threads and of threads ended since the last sweep. */
    public int size() {
        synchronized (lock) {
            return owned.size();
        }
    }

    /** How many values sweeps for ended threads have looked at so far: what new threads have paid for them. */
    long swept() {
        synchronized (lock) {
            return swept;
        }
    }

    /**
     * Frees every value; a later {@link #get} throws. Idempotent. A value is freed even if its
     * thread is still using it: close the holder once no thread does, as its owner closes itself.
     */
    @Override
    public void close() {
        List<Owned<V>> all;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            all = List.copyOf(owned.values());
            owned.clear();
            byPoolIndex = none();
        }
        local.remove();
        freeAll(all);
    }

    /** The calling thread's value where it is found without the lock, else null. */
    private Owned<V> cached(Thread thread) {
        if (thread instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool()) {
            Owned<V>[] slots = byPoolIndex;
            int index = w.getPoolIndex();
            Owned<V> slot = index < slots.length ? slots[index] : null;
            return slot != null && slot.ownedBy(thread) ? slot : null;
        }
        return local.get();
    }

    private V slowGet(Thread thread) {
        List<Owned<V>> ended = new ArrayList<>();
        V value;
        try {
            value = findOrMake(thread, ended);
        } catch (Throwable failure) {
            freeEnded(ended, failure);
            throw failure;
        }
        freeEnded(ended, null);
        return value;
    }

    /**
     * The value {@code thread} owns, made now if it owns none; the values of ended threads a sweep
     * took out go in {@code ended}, for the caller to free outside the lock whatever happens here.
     */
    private V findOrMake(Thread thread, List<Owned<V>> ended) {
        synchronized (lock) {
            if (closed) {
                throw closedException();
            }
            Owned<V> mine = find(thread);
            if (mine == null) {
                if (owned.size() >= sweepAt) {
                    sweep(ended);
                }
                mine = new Owned<>(new WeakReference<>(thread), make.get());
                owned.put(thread.threadId(), mine);
            }
            remember(thread, mine);
            return mine.value;
        }
    }

    /**
     * Moves the values of ended threads from {@link #owned} to {@code ended}, and puts the next
     * sweep where the values kept will have doubled; under the lock.
     */
    private void sweep(List<Owned<V>> ended) {
        swept += owned.size();
        var values = owned.values().iterator();
        while (values.hasNext()) {
            Owned<V> o = values.next();
            if (o.ended()) {
                ended.add(o);
                values.remove();
            }
        }
        sweepAt = Math.max(1, 2 * owned.size());
    }

    /** The value {@code thread} owns, or null; under the lock. */
    private Owned<V> find(Thread thread) {
        Owned<V> o = owned.get(thread.threadId());
        return o != null && o.ownedBy(thread) ? o : null;
    }

    /** Makes {@code mine} what {@link #cached} finds for {@code thread}; under the lock. */
    private void remember(Thread thread, Owned<V> mine) {
        if (thread instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool()) {
            int index = w.getPoolIndex();
            Owned<V>[] slots = byPoolIndex;
            Owned<V>[] grown = Arrays.copyOf(slots, Math.max(slots.length, index + 1));
            grown[index] = mine;
            byPoolIndex = grown;
        } else {
            local.set(mine);
        }
    }

    /** Undoes {@link #remember} for {@code thread}; under the lock. */
    private void forget(Thread thread) {
        if (thread instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool()) {
            int index = w.getPoolIndex();
            Owned<V>[] slots = byPoolIndex;
            if (index < slots.length && slots[index] != null && slots[index].ownedBy(thread)) {
                Owned<V>[] copy = slots.clone();
                copy[index] = null;
                byPoolIndex = copy;
            }
        } else {
            local.remove();
        }
    }

    /**
     * Frees ended threads' values for a caller whose own call must not fail for them: a failure is
     * added as suppressed to {@code callerFailure}, the caller's own exception, or else logged.
     */
    private void freeEnded(List<Owned<V>> values, Throwable callerFailure) {
        for (Owned<V> o : values) {
            try {
                free.accept(o.value);
            } catch (RuntimeException e) {
                if (callerFailure != null) {
                    callerFailure.addSuppressed(e);
                } else {
                    LOG.log(Level.WARNING, "freeing the value of an ended thread failed; it is dropped", e);
                }
            }
        }
    }

    /** Frees each value; the first failure is thrown once all were tried, the others suppressed. */
    private void freeAll(List<Owned<V>> values) {
        RuntimeException failure = null;
        for (Owned<V> o : values) {
            try {
                free.accept(o.value);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("closed: no more per-thread values are handed out");
    }

    @SuppressWarnings("unchecked")
    private static <V> Owned<V>[] none() {
        return (Owned<V>[]) new Owned<?>[0];
    }

    /** A value and the thread it serves (weakly: a value does not keep its ended thread's object). */
    private record Owned<V>(WeakReference<Thread> owner, V value) {
        boolean ownedBy(Thread thread) {
            return owner.get() == thread;
        }

        /** Whether the owner has ended: it will never call again. */
        boolean ended() {
            Thread t = owner.get();
            return t == null || !t.isAlive();
        }
    }
}
