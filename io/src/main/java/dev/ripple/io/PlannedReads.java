package dev.ripple.io;

/**
 * What a reader needs of a plan to execute it: its physical reads, each one's place in the file and
 * in a buffer that holds all reads back to back. Both forms of a plan are this, the immutable
 * {@link ReadPlan} and the reused {@link ReadPlanBuffer}, and nothing else may be (sealed), so one
 * reader method, {@link dev.ripple.io.reader.ExtentReader#read(PlannedReads,
 * java.lang.foreign.MemorySegment)}, executes either, and a {@code ReadPlan} does not hand out the
 * buffer it wraps (whose owner could overwrite it).
 */
public sealed interface PlannedReads permits ReadPlan, ReadPlanBuffer {
    /** Number of physical reads, i.e. read operations the plan issues. */
    int operations();

    /** Where read {@code r} starts in the file; the reads are sorted by offset and disjoint. */
    long readOffset(int r);

    /** How long read {@code r} is. */
    long readLength(int r);

    /** Where read {@code r} starts in a buffer holding all reads back to back. */
    long readBufferOffset(int r);

    /** Sum of the physical reads' lengths: the bytes a buffer for the whole plan must hold. */
    long bytesRead();
}
