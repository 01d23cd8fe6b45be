package dev.ripple.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RunsTest {
    private static final int[] SLOTS = {1, 2, 3, 7, 9, 10, 20};

    @Test
    void countsContiguousRuns() {
        assertEquals(4, Runs.count(SLOTS, SLOTS.length));
        assertEquals(1, Runs.count(SLOTS, 3));
        assertEquals(0, Runs.count(SLOTS, 0));
        assertEquals(1, Runs.count(new int[] {5}, 1));
    }

    @Test
    void collapsesSmallGaps() {
        assertEquals(4, Runs.collapsedCount(SLOTS, SLOTS.length, 0));
        assertEquals(3, Runs.collapsedCount(SLOTS, SLOTS.length, 1)); // 7 _ 9
        assertEquals(2, Runs.collapsedCount(SLOTS, SLOTS.length, 3)); // 3 ___ 7
        assertEquals(1, Runs.collapsedCount(SLOTS, SLOTS.length, 9));
        assertEquals(0, Runs.collapsedExtraSlots(SLOTS, SLOTS.length, 0));
        assertEquals(1, Runs.collapsedExtraSlots(SLOTS, SLOTS.length, 1));
        assertEquals(4, Runs.collapsedExtraSlots(SLOTS, SLOTS.length, 3));
        assertEquals(13, Runs.collapsedExtraSlots(SLOTS, SLOTS.length, 9));
    }

    @Test
    void runLengthsPerSlot() {
        int[] len = new int[SLOTS.length];
        assertEquals(4, Runs.runLengths(SLOTS, SLOTS.length, len));
        assertArrayEquals(new int[] {3, 3, 3, 1, 2, 2, 1}, len);
    }

    @Test
    void collapsedGroupSizesCountOnlyGivenSlots() {
        int[] size = new int[SLOTS.length];
        assertEquals(3, Runs.collapsedGroupSizes(SLOTS, SLOTS.length, 1, size)); // [1 2 3] [7 _ 9 10] [20]
        assertArrayEquals(new int[] {3, 3, 3, 3, 3, 3, 1}, size);
        assertEquals(4, Runs.collapsedGroupSizes(SLOTS, SLOTS.length, 0, size));
        assertArrayEquals(new int[] {3, 3, 3, 1, 2, 2, 1}, size);
    }

    @Test
    void readGroupsNumberThePlannedReads() {
        int[] readOf = new int[SLOTS.length];
        assertEquals(3, Runs.readGroups(SLOTS, SLOTS.length, 1, readOf)); // [1 2 3] [7 _ 9 10] [20]
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 2}, readOf);
        assertEquals(4, Runs.readGroups(SLOTS, SLOTS.length, 0, readOf));
        assertArrayEquals(new int[] {0, 0, 0, 1, 2, 2, 3}, readOf);
        assertEquals(0, Runs.readGroups(SLOTS, 0, 0, readOf));
    }
}
