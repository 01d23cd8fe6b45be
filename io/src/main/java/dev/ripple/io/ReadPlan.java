package dev.ripple.io;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The physical reads that deliver a set of needed extents, and where each needed extent lands.
 *
 * <p>Made by {@link ReadPlanner}. The reads are sorted by offset and disjoint. Each needed extent
 * lies inside exactly one read, at {@link #offsetInRead(int)}. A caller that reads all reads back
 * to back into one buffer of {@link #bytesRead()} bytes (as
 * {@link dev.ripple.io.reader.ExtentReader#read(ReadPlan, MemorySegment)} does) finds needed extent
 * {@code i} at {@link #bufferOffset(int)}, or as a ready slice via {@link #neededSlice}.
 *
 * <pre>{@code
 * ReadPlan plan = planner.plan(needed);
 * MemorySegment buffer = arena.allocate(plan.bytesRead());
 * reader.read(plan, buffer);
 * MemorySegment bundle7 = plan.neededSlice(buffer, 7);
 * }</pre>
 */
public final class ReadPlan {

    private final NeededExtents needed;
    private final List<Extent> reads;
    private final int[] readOfNeeded;
    private final long[] readBufferOffsets;
    private final long bytesNeeded;
    private final long bytesRead;

    ReadPlan(NeededExtents needed, List<Extent> reads, int[] readOfNeeded) {
        this.needed = needed;
        this.reads = List.copyOf(reads);
        this.readOfNeeded = readOfNeeded;
        this.readBufferOffsets = new long[reads.size()];
        long offset = 0;
        for (int r = 0; r < reads.size(); r++) {
            readBufferOffsets[r] = offset;
            offset += reads.get(r).length();
        }
        this.bytesRead = offset;
        long sum = 0;
        for (int i = 0; i < needed.count(); i++) {
            sum += needed.length(i);
        }
        this.bytesNeeded = sum;
    }

    /**
     * The needed extents, in the order given to the planner: a list made on each call (the plan
     * holds them as numbers, see {@link ReadPlanner#plan(long[], int, long)}).
     */
    public List<Extent> needed() {
        return needed.asList();
    }

    /** Number of needed extents. */
    public int neededCount() {
        return needed.count();
    }

    /** The physical reads, sorted by offset and disjoint. */
    public List<Extent> reads() {
        return reads;
    }

    /** Number of read operations the plan issues. */
    public int operations() {
        return reads.size();
    }

    /** Sum of the needed extents' lengths. */
    public long bytesNeeded() {
        return bytesNeeded;
    }

    /** Sum of the physical reads' lengths: needed bytes plus the gaps read through. */
    public long bytesRead() {
        return bytesRead;
    }

    /** Index into {@link #reads()} of the read that holds needed extent {@code neededIndex}. */
    public int readOf(int neededIndex) {
        return readOfNeeded[neededIndex];
    }

    /** Where needed extent {@code neededIndex} starts inside its read. */
    public long offsetInRead(int neededIndex) {
        return needed.offset(neededIndex) - reads.get(readOfNeeded[neededIndex]).offset();
    }

    /** Where read {@code readIndex} starts in a buffer holding all reads back to back. */
    public long readBufferOffset(int readIndex) {
        return readBufferOffsets[readIndex];
    }

    /** Where needed extent {@code neededIndex} starts in a buffer holding all reads back to back. */
    public long bufferOffset(int neededIndex) {
        return readBufferOffsets[readOfNeeded[neededIndex]] + offsetInRead(neededIndex);
    }

    /** Needed extent {@code neededIndex} as a slice of {@code buffer} filled according to this plan. */
    public MemorySegment neededSlice(MemorySegment buffer, int neededIndex) {
        return buffer.asSlice(bufferOffset(neededIndex), needed.length(neededIndex));
    }

    /**
     * The sub-plan of the reads marked in {@code kept} ({@code kept[r]} for read r): those reads,
     * unchanged, and the needed extents inside them, in their order. For a caller that issues only
     * some of a plan's reads (those holding an extent no DRAM cache has): the reads it issues are
     * exactly the ones planned, without planning again. Every read kept: this plan itself (it is
     * immutable), not a copy, since a decode step with no whole read in the cache keeps them all.
     */
    public ReadPlan keep(boolean[] kept) {
        if (kept.length < reads.size()) {
            throw new IllegalArgumentException(kept.length + " flags for " + reads.size() + " reads");
        }
        int keptCount = 0;
        for (int r = 0; r < reads.size(); r++) {
            keptCount += kept[r] ? 1 : 0;
        }
        if (keptCount == reads.size()) {
            return this;
        }
        int[] newIndex = new int[reads.size()];
        List<Extent> keptReads = new ArrayList<>();
        for (int r = 0; r < reads.size(); r++) {
            if (kept[r]) {
                newIndex[r] = keptReads.size();
                keptReads.add(reads.get(r));
            }
        }
        int n = needed.count();
        int keptNeeded = 0;
        for (int i = 0; i < n; i++) {
            keptNeeded += kept[readOfNeeded[i]] ? 1 : 0;
        }
        int[] readOf = new int[keptNeeded];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (kept[readOfNeeded[i]]) {
                readOf[k++] = newIndex[readOfNeeded[i]];
            }
        }
        return new ReadPlan(needed.keep(kept, readOfNeeded, keptNeeded), keptReads, readOf);
    }

    @Override
    public String toString() {
        return "ReadPlan[" + needed.count() + " needed extents, " + reads.size() + " reads, " + bytesNeeded
                + " bytes needed, " + bytesRead + " bytes read]";
    }
}
