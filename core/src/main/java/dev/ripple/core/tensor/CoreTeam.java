package dev.ripple.core.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The machine's cores as one team for the short parallel sections of decode: about fifty per
 * token on OPT-125m's shape (each layer's q/k/v, output projection and FFN, then the LM head),
 * each a few hundred microseconds of streaming weights. Handing such a section to a pool thread
 * that has parked costs a wake-up every time (a futex call and, on a virtual machine whose other
 * vCPU has halted, the host rescheduling it), and the caller parks again at the end of the
 * section when the helper's last chunk outlasts its short spin; meanwhile one core streams alone.
 * On a quiet machine the decode gap to ONNX Runtime was about 120-170 µs per section on both
 * decoder shapes (PERFORMANCE.md §17), which is what these wake-ups cost.
 *
 * <p>So the team keeps {@code cores − 1} helper threads of its own which, after a section, watch
 * for the next one for {@link #SPIN_NANOS} (1 ms, {@code -Dripple.spinMicros}) before they park,
 * as ONNX Runtime's intra-op pool spins; within a token the gap between two sections (a norm, one
 * token's attention) is far shorter. They watch with {@link Thread#yield}, not a busy pause: on an
 * idle core the call returns at once (a spin), on a loaded machine it hands the core to whatever
 * else is runnable, which a pure spin measured 20% slower than parking at load 8 (§17). The caller
 * waits for the helpers' last chunks the same way before it parks.
 *
 * <p>A section is {@code chunks} numbered pieces of work; the caller and the helpers claim them
 * from one counter, so a helper that is late (descheduled, or still parked) only means the caller
 * does more of them, and the caller never waits for work nobody has claimed. One section runs at a
 * time: a caller that finds the team busy (another session, or a section started from inside a
 * chunk) runs all its chunks itself. The team allocates nothing per section.
 *
 * <pre>{@code
 * CoreTeam.run(8, c -> rows(c * rows / 8, (c + 1) * rows / 8));
 * }</pre>
 */
public final class CoreTeam {
    /** How long an idle helper watches for the next section, and a caller for its helpers' last chunks, before parking. */
    static final long SPIN_NANOS = Long.getLong("ripple.spinMicros", 1000) * 1000L;

    /** One numbered piece of a section. */
    @FunctionalInterface
    public interface Chunk {
        void run(int chunk);
    }

    private static final class Holder {
        static final CoreTeam TEAM = new CoreTeam(Runtime.getRuntime().availableProcessors() - 1);
    }

    /** Held by the caller whose section runs (0 = free). */
    private final AtomicInteger busy = new AtomicInteger();
    /** Section number in the high 32 bits, next unclaimed chunk in the low 32: a helper claims a chunk only of the section it read. */
    private final AtomicLong state = new AtomicLong();
    /** Chunks of the current section finished. */
    private final AtomicInteger finished = new AtomicInteger();

    private final Thread[] helpers;
    /** Per helper: parked, or about to park (checked by the caller before an unpark). */
    private final AtomicInteger[] parked;

    private volatile Thread caller;
    private volatile boolean callerWaiting;
    private Chunk task;
    private int chunks;
    private volatile Throwable failure;

    private CoreTeam(int helperCount) {
        helpers = new Thread[Math.max(0, helperCount)];
        parked = new AtomicInteger[helpers.length];
        for (int i = 0; i < helpers.length; i++) {
            parked[i] = new AtomicInteger();
            int index = i;
            helpers[i] = Thread.ofPlatform()
                    .daemon()
                    .name("ripple-core-team-" + (i + 1))
                    .unstarted(() -> helperLoop(index));
            helpers[i].start();
        }
    }

    /** Helper threads of the team (cores − 1). */
    public static int helpers() {
        return Holder.TEAM.helpers.length;
    }

    /**
     * Runs {@code task} for every chunk in [0, chunks), on this thread and the team's helpers, and
     * returns when all have finished. An exception of a chunk is rethrown here (the chunks not yet
     * claimed then do not run).
     */
    public static void run(int chunks, Chunk task) {
        if (chunks <= 0) {
            return;
        }
        CoreTeam team = Holder.TEAM;
        if (chunks == 1 || team.helpers.length == 0 || !team.busy.compareAndSet(0, 1)) {
            for (int c = 0; c < chunks; c++) {
                task.run(c);
            }
            return;
        }
        try {
            team.section(chunks, task);
        } finally {
            team.task = null;
            team.busy.set(0);
        }
    }

    private void section(int n, Chunk t) {
        task = t;
        chunks = n;
        failure = null;
        finished.set(0);
        caller = Thread.currentThread();
        long epoch = (state.get() >>> 32) + 1;
        state.set(epoch << 32); // publishes task, chunks, finished = 0
        for (int i = 0; i < helpers.length; i++) {
            if (parked[i].get() != 0) {
                LockSupport.unpark(helpers[i]);
            }
        }
        work(epoch);
        long waitStart = System.nanoTime();
        while (finished.get() < n) {
            if (System.nanoTime() - waitStart < SPIN_NANOS) {
                Thread.yield();
            } else {
                callerWaiting = true;
                if (finished.get() < n) {
                    LockSupport.park(this);
                }
                callerWaiting = false;
            }
        }
        Throwable f = failure;
        if (f instanceof RuntimeException e) {
            throw e;
        } else if (f instanceof Error e) {
            throw e;
        }
    }

    /** Claims and runs chunks of section {@code epoch} until none is left. */
    private void work(long epoch) {
        while (true) {
            long s = state.get();
            if (s >>> 32 != epoch) {
                return;
            }
            int c = (int) s;
            if (c >= chunks) {
                return;
            }
            if (!state.compareAndSet(s, s + 1)) {
                continue;
            }
            // The claimed chunk keeps the section open, so these are this section's fields.
            int n = chunks;
            Chunk t = task;
            Thread owner = caller;
            try {
                if (failure == null) {
                    t.run(c);
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                if (finished.incrementAndGet() == n && Thread.currentThread() != owner && callerWaiting) {
                    LockSupport.unpark(owner);
                }
            }
        }
    }

    private void helperLoop(int index) {
        long seen = 0;
        long idleSince = System.nanoTime();
        while (true) {
            long epoch = state.get() >>> 32;
            if (epoch != seen) {
                seen = epoch;
                work(epoch);
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                Thread.yield();
            } else {
                parked[index].set(1);
                if (state.get() >>> 32 == seen) {
                    LockSupport.park(this);
                }
                parked[index].set(0);
                idleSince = System.nanoTime();
            }
        }
    }
}
