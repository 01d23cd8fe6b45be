package dev.ripple.io;

import java.lang.foreign.MemorySegment;
import java.util.AbstractList;
import java.util.List;

/**
 * The physical reads that deliver a set of needed extents, and where each needed extent lands.
 *
 * <p>Made by {@link ReadPlanner}. The reads are sorted by offset and disjoint. Each needed extent
 * lies inside exactly one read, at {@link #offsetInRead(int)}. A caller that reads all reads back
 * to back into one buffer of {@link #bytesRead()} bytes (as
 * {@link dev.ripple.io.reader.ExtentReader#read(PlannedReads, MemorySegment)} does) finds needed extent
 * {@code i} at {@link #bufferOffset(int)}, or as a ready slice via {@link #neededSlice}.
 *
 * <pre>{@code
 * ReadPlan plan = planner.plan(needed);
 * MemorySegment buffer = arena.allocate(plan.bytesRead());
 * reader.read(plan, buffer);
 * MemorySegment bundle7 = plan.neededSlice(buffer, 7);
 * }</pre>
 *
 * <p>A value: it owns its numbers, and nothing changes them after the planner made it. A caller
 * that plans per call and keeps nothing writes into its own {@link ReadPlanBuffer} instead
 * ({@link ReadPlanner#planInto}), which holds the same plan without a new object per call.
 */
public final class ReadPlan implements PlannedReads {

    /** Filled by the planner before this plan is made, never written after. */
    private final ReadPlanBuffer plan;

    ReadPlan(ReadPlanBuffer plan) {
        this.plan = plan;
    }

    /**
     * The needed extents, in the order given to the planner: a list made on each call (the plan
     * holds them as numbers, see {@link ReadPlanner#plan(long[], int, long)}).
     */
    public List<Extent> needed() {
        return new AbstractList<>() {
            @Override
            public Extent get(int i) {
                return plan.neededExtent(i);
            }

            @Override
            public int size() {
                return plan.neededCount();
            }
        };
    }

    /** Number of needed extents. */
    public int neededCount() {
        return plan.neededCount();
    }

    /**
     * The physical reads, sorted by offset and disjoint: a list made on each call, as
     * {@link #needed()} (the plan holds them as numbers).
     */
    public List<Extent> reads() {
        return new AbstractList<>() {
            @Override
            public Extent get(int r) {
                return new Extent(plan.readOffset(r), plan.readLength(r));
            }

            @Override
            public int size() {
                return plan.operations();
            }
        };
    }

    /** Number of read operations the plan issues. */
    @Override
    public int operations() {
        return plan.operations();
    }

    /** Where read {@code r} starts in the file ({@code reads().get(r).offset()}, without the list). */
    @Override
    public long readOffset(int r) {
        return plan.readOffset(r);
    }

    /** How long read {@code r} is ({@code reads().get(r).length()}, without the list). */
    @Override
    public long readLength(int r) {
        return plan.readLength(r);
    }

    /** Sum of the needed extents' lengths. */
    public long bytesNeeded() {
        return plan.bytesNeeded();
    }

    /** Sum of the physical reads' lengths: needed bytes plus the gaps read through. */
    @Override
    public long bytesRead() {
        return plan.bytesRead();
    }

    /** Index into {@link #reads()} of the read that holds needed extent {@code neededIndex}. */
    public int readOf(int neededIndex) {
        return plan.readOf(neededIndex);
    }

    /** Where needed extent {@code neededIndex} starts inside its read. */
    public long offsetInRead(int neededIndex) {
        return plan.offsetInRead(neededIndex);
    }

    /** Where read {@code readIndex} starts in a buffer holding all reads back to back. */
    @Override
    public long readBufferOffset(int readIndex) {
        return plan.readBufferOffset(readIndex);
    }

    /** Where needed extent {@code neededIndex} starts in a buffer holding all reads back to back. */
    public long bufferOffset(int neededIndex) {
        return plan.bufferOffset(neededIndex);
    }

    /** Needed extent {@code neededIndex} as a slice of {@code buffer} filled according to this plan. */
    public MemorySegment neededSlice(MemorySegment buffer, int neededIndex) {
        return plan.neededSlice(buffer, neededIndex);
    }

    @Override
    public String toString() {
        return "ReadPlan[" + neededCount() + " needed extents, " + operations() + " reads, " + bytesNeeded()
                + " bytes needed, " + bytesRead() + " bytes read]";
    }
}
