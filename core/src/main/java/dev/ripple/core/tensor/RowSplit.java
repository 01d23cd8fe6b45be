package dev.ripple.core.tensor;

/**
 * Splits the rows of a one-token matrix-vector product across the cores. Decode is memory-bound:
 * one core alone does not draw the machine's bandwidth, so even a 768 × 768 projection (2.4 MB)
 * is worth splitting, if the split costs microseconds, not the tens of microseconds of a parallel
 * stream over many small tasks or of waking a parked pool thread. The rows are cut into a few
 * chunks per core, run by the {@link CoreTeam}: the calling thread and the team's helpers claim
 * chunks from one counter, so a helper that starts late only means the caller does more chunks.
 *
 * <pre>{@code
 * RowSplit.run(out, bytes, (from, to) -> { for (int j = from; j < to; j++) y[j] = dot(row j, x); });
 * }</pre>
 */
public final class RowSplit {
    /** Below this many bytes of weights a product stays on the calling thread (it fits in the L2 cache). */
    static final long PARALLEL_BYTES = 192L << 10;
    /** Chunks per core: small enough to balance a late helper, large enough to stream whole pages. */
    private static final int CHUNKS_PER_CORE = 4;

    private RowSplit() {}

    /** A range of rows [from, to). */
    @FunctionalInterface
    public interface Rows {
        void run(int from, int to);
    }

    /** Runs {@code task} over rows [0, rows), across the cores when {@code bytes} read are worth it. */
    public static void run(int rows, long bytes, Rows task) {
        int cores = CoreTeam.helpers() + 1;
        if (cores < 2 || bytes < PARALLEL_BYTES || rows < 2 * cores) {
            task.run(0, rows);
            return;
        }
        int chunks = Math.min(rows, cores * CHUNKS_PER_CORE);
        CoreTeam.run(chunks, c -> task.run((int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks)));
    }
}
