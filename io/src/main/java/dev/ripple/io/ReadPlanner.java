package dev.ripple.io;

import dev.ripple.io.device.CostLine;
import dev.ripple.io.device.CostModel;
import dev.ripple.io.device.DeviceProfile;
import java.util.List;

/**
 * Access collapse: turns the extents a token needs into fewer, longer physical reads by reading
 * through the gaps that are cheaper to read than to skip.
 *
 * <p>Walking the needed extents in offset order, the current read is extended over the gap to the
 * next extent when the gap is below a threshold, otherwise a new read starts. Two thresholds:
 * <ul>
 *   <li>{@link #costModel}: from the device's cost line at the reader's queue depth,
 *   {@code cost(n) = a + n/b}. Two reads cost {@code 2a + (n1 + n2)/b}, one read through the gap
 *   {@code a + (n1 + g + n2)/b}; merging wins exactly when {@code g < a·b}, the break-even gap
 *   (derived in docs/IO.md).</li>
 *   <li>{@link #fixedGap}: merge when {@code g <= maxGapBytes}, for experiments (Ripple's "gap of
 *   at most T bundles").</li>
 * </ul>
 * Touching or overlapping extents are always merged. {@link #withAlignment} measures gaps between
 * the aligned boundaries a direct reader actually reads, so two extents in the same 4 KiB page merge
 * for free; {@link #withAlignedReads} also expands the reads themselves to aligned boundaries so a
 * direct reader fills an aligned buffer with no bounce copy; {@link #withMaxReadBytes} caps how
 * long a merged read may grow.
 *
 * <p>Two forms of the result: {@link #plan} returns an immutable {@link ReadPlan}, a value to keep;
 * {@link #planInto} writes the same plan into a {@link ReadPlanBuffer} the caller owns and reuses,
 * for a loop that plans per token and should not allocate for it.
 *
 * <pre>{@code
 * ReadPlanner planner = ReadPlanner.costModel(profile, 8).withAlignedReads(4096, reader.fileSize());
 * ReadPlan plan = planner.plan(neededSortedByOffset);
 * }</pre>
 */
public final class ReadPlanner {

    private final double breakEvenGapBytes; // merge when gap < this (cost mode)
    private final long maxGapBytes; // merge when gap <= this (fixed mode); -1 in cost mode
    private final long alignment;
    private final long alignedReadsFileSize; // -1: reads are not expanded to alignment
    private final long maxReadBytes;
    private final String rule;

    private ReadPlanner(
            double breakEvenGapBytes,
            long maxGapBytes,
            long alignment,
            long alignedReadsFileSize,
            long maxReadBytes,
            String rule) {
        this.breakEvenGapBytes = breakEvenGapBytes;
        this.maxGapBytes = maxGapBytes;
        this.alignment = alignment;
        this.alignedReadsFileSize = alignedReadsFileSize;
        this.maxReadBytes = maxReadBytes;
        this.rule = rule;
    }

    /** Merges when the gap is below the profile's break-even gap at {@code queueDepth}. */
    public static ReadPlanner costModel(DeviceProfile profile, int queueDepth) {
        return costModel(profile.costModel(), queueDepth);
    }

    /** Merges when the gap is below the model's break-even gap {@code a·b} at {@code queueDepth}. */
    public static ReadPlanner costModel(CostModel model, int queueDepth) {
        CostLine line = model.lineAt(queueDepth);
        return new ReadPlanner(
                line.breakEvenGapBytes(),
                -1,
                1,
                -1,
                Long.MAX_VALUE,
                String.format(
                        "cost model at queue depth %d (a=%.2f us, b=%.1f B/us, break-even gap %.0f B)",
                        queueDepth, line.fixedMicros(), line.bytesPerMicro(), line.breakEvenGapBytes()));
    }

    /** Merges when the gap is at most {@code maxGapBytes}; {@code 0} merges only touching extents. */
    public static ReadPlanner fixedGap(long maxGapBytes) {
        if (maxGapBytes < 0) {
            throw new IllegalArgumentException("maxGapBytes must be >= 0, got " + maxGapBytes);
        }
        return new ReadPlanner(0, maxGapBytes, 1, -1, Long.MAX_VALUE, "fixed gap <= " + maxGapBytes + " B");
    }

    /**
     * Measures gaps between {@code alignment}-aligned boundaries (the enclosing aligned ranges a
     * direct reader reads), so extents sharing an aligned block merge for free.
     */
    public ReadPlanner withAlignment(long alignment) {
        requirePowerOfTwo(alignment);
        return new ReadPlanner(breakEvenGapBytes, maxGapBytes, alignment, -1, maxReadBytes, rule);
    }

    /**
     * Like {@link #withAlignment}, and also expands every physical read to {@code alignment}
     * boundaries (the last one clamped to {@code fileSize}). A direct reader then reads each of
     * them straight into an aligned destination, without a bounce buffer or a copy, and the plan's
     * {@link ReadPlan#bytesRead()} is exactly what the device transfers. Extents sharing an aligned
     * block are always merged, even past {@link #withMaxReadBytes}, so reads stay disjoint.
     *
     * <pre>{@code
     * ReadPlanner planner = ReadPlanner.costModel(profile, q).withAlignedReads(DirectReader.ALIGNMENT, reader.fileSize());
     * MemorySegment buffer = arena.allocate(plan.bytesRead(), DirectReader.ALIGNMENT);
     * }</pre>
     */
    public ReadPlanner withAlignedReads(long alignment, long fileSize) {
        requirePowerOfTwo(alignment);
        if (fileSize < 0) {
            throw new IllegalArgumentException("fileSize must be >= 0, got " + fileSize);
        }
        return new ReadPlanner(breakEvenGapBytes, maxGapBytes, alignment, fileSize, maxReadBytes, rule);
    }

    private static void requirePowerOfTwo(long alignment) {
        if (alignment < 1 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + alignment);
        }
    }

    /** Never grows a merged read beyond {@code maxReadBytes} (a single longer extent stays one read). */
    public ReadPlanner withMaxReadBytes(long maxReadBytes) {
        if (maxReadBytes < 1) {
            throw new IllegalArgumentException("maxReadBytes must be positive, got " + maxReadBytes);
        }
        return new ReadPlanner(breakEvenGapBytes, maxGapBytes, alignment, alignedReadsFileSize, maxReadBytes, rule);
    }

    /** The merge rule, for reports. */
    public String describe() {
        return rule
                + (alignment > 1 ? ", gaps between " + alignment + "-byte aligned boundaries" : "")
                + (alignedReadsFileSize >= 0 ? ", reads expanded to alignment" : "")
                + (maxReadBytes < Long.MAX_VALUE ? ", reads <= " + maxReadBytes + " B" : "");
    }

    /**
     * True when gaps are weighed by a device's cost model ({@link #costModel}), false for a
     * {@linkplain #fixedGap fixed gap}. Only a weighed gap says whether skipping bytes a caller
     * already holds (cached ones) is worth another operation; a fixed gap knows nothing of operations.
     */
    public boolean weighsGaps() {
        return maxGapBytes < 0;
    }

    /** True if a gap of {@code gapBytes} (after alignment) is read through rather than skipped. */
    public boolean mergesGap(long gapBytes) {
        if (gapBytes <= 0) {
            return true;
        }
        return maxGapBytes >= 0 ? gapBytes <= maxGapBytes : gapBytes < breakEvenGapBytes;
    }

    /**
     * Plans the reads for {@code needed}.
     *
     * @param needed extents sorted by offset (non-decreasing; overlaps allowed), e.g. bundles in
     *               placement order
     * @throws IllegalArgumentException if the extents are not sorted by offset
     */
    public ReadPlan plan(List<Extent> needed) {
        ReadPlanBuffer plan = new ReadPlanBuffer();
        plan.startExtents(needed);
        collapse(plan);
        return new ReadPlan(plan);
    }

    /**
     * Plans the reads for {@code count} extents of {@code length} bytes each, at the first
     * {@code count} of {@code offsets}: the same plan as {@link #plan(List)} over those extents,
     * for a caller that holds its bundles as offsets. A layer's bundles share one length, and a
     * decode step plans every needed bundle of every layer; this form spares an {@link Extent}
     * per bundle. The plan copies the offsets, so the caller may reuse its array.
     *
     * <pre>{@code
     * for (int i = 0; i < n; i++) offsets[i] = layer.bundleOffset(slots[i]);
     * ReadPlan plan = planner.plan(offsets, n, layer.spec().bundleBytes());
     * }</pre>
     *
     * @throws IllegalArgumentException if the offsets are not sorted, {@code count} exceeds them,
     *     or an offset and {@code length} are not an extent
     */
    public ReadPlan plan(long[] offsets, int count, long length) {
        ReadPlanBuffer plan = new ReadPlanBuffer();
        planInto(offsets, count, length, plan);
        return new ReadPlan(plan);
    }

    /**
     * As {@link #plan(long[], int, long)}, written into {@code into} instead of a new plan: the
     * form for a caller that plans on every call and keeps nothing (a decode step plans each
     * layer's bundles per token). {@code into} is overwritten entirely; once its arrays have grown
     * to the largest plan, planning allocates nothing. The offsets are copied, as there.
     *
     * <pre>{@code
     * planner.planInto(offsets, n, layer.spec().bundleBytes(), scratch.plan);
     * reader.read(scratch.plan, buffer);
     * }</pre>
     *
     * @throws IllegalArgumentException as {@link #plan(long[], int, long)}; {@code into} is then
     *     left empty
     */
    public void planInto(long[] offsets, int count, long length, ReadPlanBuffer into) {
        try {
            into.startUniform(offsets, count, length);
            collapse(into);
        } catch (IllegalArgumentException e) {
            into.clear();
            throw e;
        }
    }

    /** Adds to {@code plan}, which holds its needed extents and no reads, the reads that deliver them. */
    private void collapse(ReadPlanBuffer plan) {
        int n = plan.neededCount();
        if (n == 0) {
            return;
        }
        long start = plan.neededOffset(0);
        long end = plan.neededEnd(0);
        plan.setReadOf(0, 0);
        for (int i = 1; i < n; i++) {
            long offset = plan.neededOffset(i);
            if (offset < plan.neededOffset(i - 1)) {
                throw new IllegalArgumentException("needed extents must be sorted by offset: extent " + i + " "
                        + plan.neededExtent(i) + " starts before extent " + (i - 1) + " " + plan.neededExtent(i - 1));
            }
            long gap = alignDown(offset) - alignUp(end);
            long mergedEnd = Math.max(end, plan.neededEnd(i));
            boolean mustMerge = offset < end || (alignedReadsFileSize >= 0 && gap <= 0);
            boolean fits = mergedEnd - start <= maxReadBytes || mustMerge;
            if (fits && mergesGap(gap)) {
                end = mergedEnd;
            } else {
                addPhysicalRead(plan, start, end);
                start = offset;
                end = plan.neededEnd(i);
            }
            plan.setReadOf(i, plan.operations());
        }
        addPhysicalRead(plan, start, end);
    }

    /** Adds the read of {@code [start, end)}: as is, or expanded to alignment when reads are aligned. */
    private void addPhysicalRead(ReadPlanBuffer plan, long start, long end) {
        if (alignedReadsFileSize < 0) {
            plan.addRead(start, end);
            return;
        }
        if (end > alignedReadsFileSize) {
            throw new IllegalArgumentException(
                    "needed bytes up to " + end + " lie past the end of the file (size " + alignedReadsFileSize + ")");
        }
        plan.addRead(alignDown(start), Math.min(alignUp(end), alignedReadsFileSize));
    }

    private long alignDown(long x) {
        return x & -alignment;
    }

    private long alignUp(long x) {
        return (x + alignment - 1) & -alignment;
    }

    @Override
    public String toString() {
        return "ReadPlanner[" + describe() + "]";
    }
}
