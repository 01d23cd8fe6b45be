package dev.ripple.placement.eval;

/**
 * Counting reads of one token: its active slots, sorted ascending, form runs; a run is one read.
 * With collapse, two runs separated by {@code <= gap} inactive slots become one read that also
 * fetches the slots in between.
 */
public final class ReadRuns {
    private ReadRuns() {}

    /** Contiguous runs among {@code slots[0..count)} (sorted, distinct). */
    public static int runs(int[] slots, int count) {
        return collapsedReads(slots, count, 0);
    }

    /** Reads when gaps of at most {@code gap} slots are read through. */
    public static int collapsedReads(int[] slots, int count, int gap) {
        if (count == 0) {
            return 0;
        }
        int reads = 1;
        for (int k = 1; k < count; k++) {
            if (slots[k] - slots[k - 1] - 1 > gap) {
                reads++;
            }
        }
        return reads;
    }

    /** Unneeded slots read when gaps of at most {@code gap} slots are read through. */
    public static long extraSlots(int[] slots, int count, int gap) {
        long extra = 0;
        for (int k = 1; k < count; k++) {
            int g = slots[k] - slots[k - 1] - 1;
            if (g <= gap) {
                extra += g;
            }
        }
        return extra;
    }
}
