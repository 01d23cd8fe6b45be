package dev.ripple.cache;

/**
 * Helpers on sorted (strictly ascending) slot sets. In placement order a contiguous run of slots is
 * one read operation, so {@link #count} is the number of reads a set costs without collapse.
 */
public final class Runs {
    private Runs() {}

    /** Number of contiguous runs among the first {@code n} ascending slots: the read operations they cost. */
    public static int count(int[] sortedSlots, int n) {
        return collapsedCount(sortedSlots, n, 0);
    }

    /** Runs left after merging every gap of at most {@code maxGap} unneeded slots (access collapse). */
    public static int collapsedCount(int[] sortedSlots, int n, int maxGap) {
        check(sortedSlots, n, maxGap);
        if (n == 0) {
            return 0;
        }
        int runs = 1;
        for (int i = 1; i < n; i++) {
            if ((long) sortedSlots[i] - sortedSlots[i - 1] - 1 > maxGap) {
                runs++;
            }
        }
        return runs;
    }

    /** Unneeded slots read through when gaps of at most {@code maxGap} slots are merged. */
    public static long collapsedExtraSlots(int[] sortedSlots, int n, int maxGap) {
        check(sortedSlots, n, maxGap);
        long extra = 0;
        for (int i = 1; i < n; i++) {
            long gap = (long) sortedSlots[i] - sortedSlots[i - 1] - 1;
            if (gap <= maxGap) {
                extra += gap;
            }
        }
        return extra;
    }

    /**
     * Writes, for each of the first {@code n} ascending slots, the length of the contiguous run it
     * belongs to into {@code runLength[i]}; returns the number of runs.
     */
    public static int runLengths(int[] sortedSlots, int n, int[] runLength) {
        return collapsedGroupSizes(sortedSlots, n, 0, runLength);
    }

    /**
     * Like {@link #runLengths} after access collapse: slots whose gaps are at most {@code maxGap}
     * form one read; {@code groupSize[i]} receives the number of the given slots in slot i's read
     * (gap slots not counted). Returns the number of reads.
     */
    public static int collapsedGroupSizes(int[] sortedSlots, int n, int maxGap, int[] groupSize) {
        check(sortedSlots, n, maxGap);
        int groups = 0;
        int start = 0;
        for (int i = 1; i <= n; i++) {
            if (i == n || (long) sortedSlots[i] - sortedSlots[i - 1] - 1 > maxGap) {
                if (i > start) {
                    groups++;
                    for (int j = start; j < i; j++) {
                        groupSize[j] = i - start;
                    }
                }
                start = i;
            }
        }
        return groups;
    }

    /**
     * Numbers the reads a planner that merges gaps of at most {@code maxGap} slots makes over the
     * first {@code n} ascending slots: {@code readOf[i]} receives the index (0, 1, ...) of slot i's
     * read. This is the read grouping {@link BundleCache#lookup(int, int[], int[], int,
     * java.lang.foreign.MemorySegment, boolean[])} expects when the caller plans by a slot gap (the
     * real runtime passes its planner's own grouping instead). Returns the number of reads.
     */
    public static int readGroups(int[] sortedSlots, int n, int maxGap, int[] readOf) {
        check(sortedSlots, n, maxGap);
        if (readOf.length < n) {
            throw new IllegalArgumentException("readOf has " + readOf.length + " entries, count is " + n);
        }
        int read = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0 && (long) sortedSlots[i] - sortedSlots[i - 1] - 1 > maxGap) {
                read++;
            }
            readOf[i] = read;
        }
        return n == 0 ? 0 : read + 1;
    }

    private static void check(int[] sortedSlots, int n, int maxGap) {
        if (n < 0 || n > sortedSlots.length) {
            throw new IllegalArgumentException("count " + n + " outside 0.." + sortedSlots.length);
        }
        if (maxGap < 0) {
            throw new IllegalArgumentException("maxGap must be >= 0, was " + maxGap);
        }
    }
}
