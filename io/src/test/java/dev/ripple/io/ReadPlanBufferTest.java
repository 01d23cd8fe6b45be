package dev.ripple.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.io.reader.ExtentReader;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A plan written into a reused {@link ReadPlanBuffer} is the plan {@link ReadPlanner#plan} returns. */
class ReadPlanBufferTest {

    static final long SEED = TestFiles.seed();
    static final int BUNDLE = 3076;
    static final int FILE_SIZE = 4_000 * BUNDLE + 777;

    @RegisterExtension
    static final PatternFile PATTERN = new PatternFile("plan-buffer", FILE_SIZE, SEED);

    static final List<ReadPlanner> PLANNERS = List.of(
            ReadPlanner.costModel(ReadPlannerTest.MODEL, 4),
            ReadPlanner.fixedGap(0),
            ReadPlanner.fixedGap(20_000).withAlignment(4096),
            ReadPlanner.fixedGap(0).withAlignedReads(4096, FILE_SIZE),
            ReadPlanner.costModel(ReadPlannerTest.MODEL, 4)
                    .withAlignedReads(4096, FILE_SIZE)
                    .withMaxReadBytes(30_000));

    /** Sorted bundle offsets of a random subset of the file's bundles: dense, sparse or empty. */
    static int randomBundles(SplittableRandom random, long[] offsets) {
        int every = 1 + random.nextInt(6);
        int count = 0;
        for (int slot = 0; slot < 4_000 && count < offsets.length; slot++) {
            if (random.nextInt(every) == 0) {
                offsets[count++] = (long) slot * BUNDLE;
            }
        }
        return random.nextInt(8) == 0 ? 0 : count;
    }

    @Test
    void aReusedBufferHoldsThePlanOfEachCallAndNothingOfTheOnesBefore() {
        SplittableRandom random = new SplittableRandom(SEED);
        ReadPlanBuffer buffer = new ReadPlanBuffer();
        long[] offsets = new long[4_000];
        for (int call = 0; call < 200; call++) {
            ReadPlanner planner = PLANNERS.get(random.nextInt(PLANNERS.size()));
            // counts grow and shrink from call to call: most calls plan fewer bundles than the largest before
            int count = randomBundles(random, offsets) / (1 + random.nextInt(4));
            planner.planInto(offsets, count, BUNDLE, buffer);
            ReadPlan value = planner.plan(offsets, count, BUNDLE);
            String what = "seed=" + SEED + " call " + call + " " + planner + " count " + count;
            assertSamePlan(value, buffer, what);
        }
    }

    @Test
    void afterALargerPlanTheIndicesPastTheNewCountsAreRefused() {
        ReadPlanner planner = ReadPlanner.fixedGap(0);
        ReadPlanBuffer buffer = new ReadPlanBuffer();
        long[] offsets = new long[100];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = 2L * i * BUNDLE; // a gap after each bundle: 100 reads
        }
        planner.planInto(offsets, 100, BUNDLE, buffer);
        assertEquals(100, buffer.operations());
        planner.planInto(offsets, 3, BUNDLE, buffer);
        assertEquals(3, buffer.neededCount());
        assertEquals(3, buffer.operations());
        assertEquals(3L * BUNDLE, buffer.bytesRead());
        assertEquals(3L * BUNDLE, buffer.bytesNeeded());
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.neededOffset(3));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.readOf(50));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.readOffset(3));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.readBufferOffset(99));
        planner.planInto(offsets, 0, BUNDLE, buffer);
        assertEquals(0, buffer.neededCount());
        assertEquals(0, buffer.operations());
        assertEquals(0, buffer.bytesRead());
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.readLength(0));
    }

    @Test
    void aRefusedPlanLeavesTheBufferEmptyNotHalfWritten() {
        ReadPlanner planner = ReadPlanner.fixedGap(0);
        ReadPlanBuffer buffer = new ReadPlanBuffer();
        planner.planInto(new long[] {0, 8192, 16384}, 3, 100, buffer);
        assertEquals(3, buffer.operations());
        var unsorted = assertThrows(
                IllegalArgumentException.class, () -> planner.planInto(new long[] {0, 8192, 4096}, 3, 100, buffer));
        assertTrue(unsorted.getMessage().contains("sorted"), unsorted.getMessage());
        assertEquals(0, buffer.neededCount());
        assertEquals(0, buffer.operations());
        assertEquals(0, buffer.bytesRead());
        assertEquals(0, buffer.bytesNeeded());
        assertThrows(IllegalArgumentException.class, () -> planner.planInto(new long[] {-1}, 1, 100, buffer));
        assertThrows(IllegalArgumentException.class, () -> planner.planInto(new long[] {0}, 2, 100, buffer));
        assertThrows(IllegalArgumentException.class, () -> planner.planInto(new long[] {0}, 1, 0, buffer));
        assertEquals(0, buffer.operations());
    }

    @Test
    void planningIntoAWarmBufferAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ReadPlanner planner = ReadPlanner.costModel(ReadPlannerTest.MODEL, 4).withAlignedReads(4096, FILE_SIZE);
        long[] offsets = new long[4_000];
        int count = 0;
        for (int slot = 0; slot < 4_000; slot += 1 + slot % 7) { // gaps of 0-6 bundles: many reads
            offsets[count++] = (long) slot * BUNDLE;
        }
        ReadPlanBuffer buffer = new ReadPlanBuffer();
        planner.planInto(offsets, count, BUNDLE, buffer); // grows the arrays to this plan
        long measuring = threads.getCurrentThreadAllocatedBytes();
        long base = threads.getCurrentThreadAllocatedBytes() - measuring; // what the measuring itself costs
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int call = 0; call < 100; call++) {
            planner.planInto(offsets, count - call % 7, BUNDLE, buffer);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before - base;
        assertEquals(0, allocated, "bytes allocated by 100 plans of up to " + count + " bundles into warm buffers");
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void everyReaderDeliversTheBundlesOfAReusedPlan(ReaderKind kind) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED ^ kind.ordinal());
        ReadPlanBuffer plan = new ReadPlanBuffer();
        long[] offsets = new long[4_000];
        for (int queueDepth : new int[] {1, 4}) { // on the caller only, and over the reader's workers
            try (ExtentReader reader = kind.open(PATTERN.path(), queueDepth);
                    Arena arena = Arena.ofShared()) {
                for (ReadPlanner planner : PLANNERS) {
                    int count = randomBundles(random, offsets);
                    planner.planInto(offsets, count, BUNDLE, plan);
                    MemorySegment buffer = arena.allocate(Math.max(1, plan.bytesRead()), 4096);
                    ReadStats stats = reader.read(plan, buffer);
                    assertEquals(plan.operations(), stats.extents());
                    assertEquals(plan.bytesRead(), stats.bytesRequested());
                    for (int i = 0; i < count; i++) {
                        Extent bundle = new Extent(offsets[i], BUNDLE);
                        PATTERN.assertHolds(
                                bundle,
                                buffer.asSlice(plan.bufferOffset(i), BUNDLE),
                                "seed=" + SEED + " queue depth " + queueDepth + " " + planner + " bundle " + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void aBadPlanOrBufferIsRefusedBeforeAnyRead(ReaderKind kind) throws IOException {
        ReadPlanBuffer plan = new ReadPlanBuffer();
        ReadPlanner planner = ReadPlanner.fixedGap(0);
        try (ExtentReader reader = kind.open(PATTERN.path(), 1);
                Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(4L * BUNDLE, 4096);
            planner.planInto(new long[] {0, 2L * BUNDLE}, 2, BUNDLE, plan);
            var small = assertThrows(IllegalArgumentException.class, () -> reader.read(plan, arena.allocate(BUNDLE)));
            assertTrue(small.getMessage().contains(PATTERN.path().toString()), small.getMessage());
            assertThrows(IllegalArgumentException.class, () -> reader.read(plan, buffer.asReadOnly()));
            planner.planInto(new long[] {FILE_SIZE - 10}, 1, BUNDLE, plan);
            var beyond = assertThrows(ExtentBeyondEndOfFileException.class, () -> reader.read(plan, buffer));
            assertEquals(FILE_SIZE - 10, beyond.extent().offset());
            planner.planInto(new long[0], 0, BUNDLE, plan);
            assertEquals(ReadStats.EMPTY, reader.read(plan, buffer));
            reader.close();
            assertThrows(IOException.class, () -> reader.read(plan, buffer));
        }
    }

    /** Every number the value holds, read back from the buffer. */
    static void assertSamePlan(ReadPlan value, ReadPlanBuffer buffer, String what) {
        assertEquals(value.neededCount(), buffer.neededCount(), what);
        assertEquals(value.operations(), buffer.operations(), what);
        assertEquals(value.bytesNeeded(), buffer.bytesNeeded(), what);
        assertEquals(value.bytesRead(), buffer.bytesRead(), what);
        for (int r = 0; r < value.operations(); r++) {
            Extent read = value.reads().get(r);
            assertEquals(read, new Extent(buffer.readOffset(r), buffer.readLength(r)), what + " read " + r);
            assertEquals(value.readBufferOffset(r), buffer.readBufferOffset(r), what + " read " + r);
        }
        List<Extent> needed = value.needed();
        for (int i = 0; i < value.neededCount(); i++) {
            assertEquals(needed.get(i), new Extent(buffer.neededOffset(i), buffer.neededLength(i)), what + " " + i);
            assertEquals(value.readOf(i), buffer.readOf(i), what + " extent " + i);
            assertEquals(value.bufferOffset(i), buffer.bufferOffset(i), what + " extent " + i);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.neededOffset(value.neededCount()));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.readOffset(value.operations()));
    }
}
