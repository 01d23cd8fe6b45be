package dev.ripple.io;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A read plan written in place: the same reads and needed extents as a {@link ReadPlan}, held in
 * arrays that its owner reuses from one plan to the next.
 *
 * <p>Why it exists: a decode step plans every needed bundle of every layer, and a new plan per
 * layer and step (its copy of the offsets, the read of each extent) was most of what a step still
 * allocated on the flash path. A caller that plans again and again keeps one buffer per thread and
 * lets {@link ReadPlanner#planInto} overwrite it; the arrays grow to the largest plan seen and are
 * then reused, so a steady decode loop allocates nothing for its plans. Callers that want a value
 * to keep or share use {@link ReadPlanner#plan(long[], int, long)} and get an immutable
 * {@link ReadPlan}; both forms hold the same reads (the planner fills a buffer either way).
 *
 * <p>Each plan replaces the previous one entirely: counts, reads and needed extents. An index at or
 * past {@link #neededCount()} or {@link #operations()} throws {@link IndexOutOfBoundsException},
 * even where a larger earlier plan left numbers in the arrays. Not thread-safe: one owner at a time.
 *
 * <pre>{@code
 * ReadPlanBuffer plan = new ReadPlanBuffer();            // once, e.g. in per-thread scratch
 * planner.planInto(offsets, n, bundleBytes, plan);      // per call: no allocation once warm
 * reader.read(plan, buffer);
 * long where = plan.bufferOffset(7);                    // bundle 7 in the buffer
 * }</pre>
 */
public final class ReadPlanBuffer implements PlannedReads {

    private static final long[] NO_LONGS = {};
    private static final int[] NO_INTS = {};

    private long[] neededOffsets = NO_LONGS; // sorted (non-decreasing)
    private long[] neededLengths = NO_LONGS; // used only when !uniform
    private boolean uniform;
    private long uniformLength;
    private int neededCount;
    private int[] readOfNeeded = NO_INTS;
    private long bytesNeeded;

    private long[] readOffsets = NO_LONGS;
    /** Where each read starts in the buffer; a read's length is the distance to the next one's start. */
    private long[] readBufferOffsets = NO_LONGS;

    private int readCount;
    private long bytesRead;

    /** An empty plan; its arrays grow with the first plans written into it. */
    public ReadPlanBuffer() {}

    // ---- filled by ReadPlanner ----

    /**
     * Starts a plan of {@code count} extents of one {@code length} at the first {@code count} of
     * {@code offsets} (copied), with no reads yet.
     */
    void startUniform(long[] offsets, int count, long length) {
        if (count < 0 || count > offsets.length) {
            throw new IllegalArgumentException(count + " extents but " + offsets.length + " offsets");
        }
        for (int i = 0; i < count; i++) {
            Extent.check(offsets[i], length);
        }
        startNeeded(count, true, length);
        System.arraycopy(offsets, 0, neededOffsets, 0, count);
        bytesNeeded = (long) count * length;
    }

    /** Starts a plan of {@code extents}, with no reads yet. */
    void startExtents(List<Extent> extents) {
        int count = extents.size();
        startNeeded(count, false, 0);
        long sum = 0;
        for (int i = 0; i < count; i++) {
            Extent e = extents.get(i);
            neededOffsets[i] = e.offset();
            neededLengths[i] = e.length();
            sum += e.length();
        }
        bytesNeeded = sum;
    }

    private void startNeeded(int count, boolean uniformLengths, long length) {
        if (neededOffsets.length < count) {
            int grown = Math.max(count, neededOffsets.length + (neededOffsets.length >> 1));
            neededOffsets = new long[grown];
            readOfNeeded = new int[grown];
        }
        if (!uniformLengths && neededLengths.length < count) {
            neededLengths = new long[Math.max(count, neededOffsets.length)];
        }
        uniform = uniformLengths;
        uniformLength = length;
        neededCount = count;
        readCount = 0;
        bytesRead = 0;
    }

    /** Empties the plan: what a plan that failed leaves, so no half-written plan is read. */
    void clear() {
        startNeeded(0, true, 0);
        bytesNeeded = 0;
    }

    /** Appends the physical read {@code [start, end)}, placed after the reads before it. */
    void addRead(long start, long end) {
        if (readCount == readOffsets.length) {
            int grown = Math.max(8, readCount * 2);
            readOffsets = Arrays.copyOf(readOffsets, grown);
            readBufferOffsets = Arrays.copyOf(readBufferOffsets, grown);
        }
        readOffsets[readCount] = start;
        readBufferOffsets[readCount] = bytesRead;
        bytesRead += end - start;
        readCount++;
    }

    /** Records that needed extent {@code i} lies in read {@code read}. */
    void setReadOf(int i, int read) {
        readOfNeeded[i] = read;
    }

    /** One past the last byte of needed extent {@code i}. */
    long neededEnd(int i) {
        return neededOffsets[i] + neededLength(i);
    }

    /** Needed extent {@code i} as an object, for messages and lists. */
    Extent neededExtent(int i) {
        return new Extent(neededOffset(i), neededLength(i));
    }

    // ---- the plan ----

    /** Number of needed extents. */
    public int neededCount() {
        return neededCount;
    }

    /** Where needed extent {@code i} starts in the file. */
    public long neededOffset(int i) {
        return neededOffsets[Objects.checkIndex(i, neededCount)];
    }

    /** How long needed extent {@code i} is. */
    public long neededLength(int i) {
        Objects.checkIndex(i, neededCount);
        return uniform ? uniformLength : neededLengths[i];
    }

    /** Number of physical reads, i.e. read operations the plan issues. */
    @Override
    public int operations() {
        return readCount;
    }

    /** Where read {@code r} starts in the file; the reads are sorted by offset and disjoint. */
    @Override
    public long readOffset(int r) {
        return readOffsets[Objects.checkIndex(r, readCount)];
    }

    /** How long read {@code r} is. */
    @Override
    public long readLength(int r) {
        long next = Objects.checkIndex(r, readCount) + 1 < readCount ? readBufferOffsets[r + 1] : bytesRead;
        return next - readBufferOffsets[r];
    }

    /** Where read {@code r} starts in a buffer holding all reads back to back. */
    @Override
    public long readBufferOffset(int r) {
        return readBufferOffsets[Objects.checkIndex(r, readCount)];
    }

    /** Index of the read that holds needed extent {@code i}. */
    public int readOf(int i) {
        return readOfNeeded[Objects.checkIndex(i, neededCount)];
    }

    /** Where needed extent {@code i} starts inside its read. */
    public long offsetInRead(int i) {
        return neededOffset(i) - readOffsets[readOf(i)];
    }

    /** Where needed extent {@code i} starts in a buffer holding all reads back to back. */
    public long bufferOffset(int i) {
        return readBufferOffsets[readOf(i)] + offsetInRead(i);
    }

    /** Needed extent {@code i} as a slice of {@code buffer} filled according to this plan. */
    public MemorySegment neededSlice(MemorySegment buffer, int i) {
        return buffer.asSlice(bufferOffset(i), neededLength(i));
    }

    /** Sum of the needed extents' lengths. */
    public long bytesNeeded() {
        return bytesNeeded;
    }

    /** Sum of the physical reads' lengths: needed bytes plus the gaps read through. */
    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public String toString() {
        return "ReadPlanBuffer[" + neededCount + " needed extents, " + readCount + " reads, " + bytesNeeded
                + " bytes needed, " + bytesRead + " bytes read]";
    }
}
