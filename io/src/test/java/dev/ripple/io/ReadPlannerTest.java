package dev.ripple.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.io.device.CostLine;
import dev.ripple.io.device.CostModel;
import dev.ripple.io.device.UfsPresets;
import dev.ripple.io.reader.ExtentReader;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReadPlannerTest {

    /** a = 10 µs, b = 1000 B/µs: break-even gap 10,000 bytes. */
    static final CostModel MODEL = new CostModel("test", List.of(new CostLine(1, 10, 1000)));

    static final long SEED = TestFiles.seed();
    /** Not a multiple of 4 KiB, so the last aligned read ends at an unaligned end of file. */
    static final int FILE_SIZE = (2 << 20) + 777;

    @RegisterExtension
    static final PatternFile PATTERN = new PatternFile("planner", FILE_SIZE, SEED);

    static List<Extent> twoWithGap(long gap) {
        return List.of(new Extent(1000, 3000), new Extent(4000 + gap, 3000));
    }

    @Test
    void costModelMergesGapsJustBelowBreakEvenAndSplitsAtOrAbove() {
        ReadPlanner planner = ReadPlanner.costModel(MODEL, 1);
        assertEquals(10_000, MODEL.lineAt(1).breakEvenGapBytes(), 1e-9);

        ReadPlan below = planner.plan(twoWithGap(9_999));
        assertEquals(1, below.operations());
        assertEquals(new Extent(1000, 3000 + 9_999 + 3000), below.reads().getFirst());
        assertEquals(6000, below.bytesNeeded());
        assertEquals(6000 + 9_999, below.bytesRead());

        assertEquals(2, planner.plan(twoWithGap(10_000)).operations(), "a tie does not merge");
        ReadPlan above = planner.plan(twoWithGap(10_001));
        assertEquals(2, above.operations());
        assertEquals(6000, above.bytesRead());
    }

    @Test
    void mergingDecisionAgreesWithTheCostModel() {
        ReadPlanner planner = ReadPlanner.costModel(MODEL, 1);
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 1000; i++) {
            long a = 1 + random.nextInt(50_000);
            long b = 1 + random.nextInt(50_000);
            long gap = 1 + random.nextInt(20_000);
            double separate = MODEL.costMicros(a, 1) + MODEL.costMicros(b, 1);
            double merged = MODEL.costMicros(a + gap + b, 1);
            int ops = planner.plan(List.of(new Extent(0, a), new Extent(a + gap, b)))
                    .operations();
            if (Math.abs(merged - separate) > 1e-6) {
                assertEquals(merged < separate ? 1 : 2, ops, "seed=" + SEED + " a=" + a + " b=" + b + " gap=" + gap);
            }
        }
    }

    @Test
    void touchingAndOverlappingExtentsAlwaysMerge() {
        CostModel free = new CostModel("no overhead", List.of(new CostLine(1, 0, 1000)));
        ReadPlan plan = ReadPlanner.costModel(free, 1)
                .plan(List.of(
                        new Extent(0, 100),
                        new Extent(100, 50),
                        new Extent(120, 100),
                        new Extent(130, 10),
                        new Extent(221, 5)));
        assertEquals(List.of(new Extent(0, 220), new Extent(221, 5)), plan.reads());
        assertEquals(0, plan.readOf(3));
        assertEquals(130, plan.offsetInRead(3));
        assertEquals(1, plan.readOf(4));
        assertEquals(220, plan.bufferOffset(4));
    }

    @Test
    void fixedGapMode() {
        ReadPlanner fourK = ReadPlanner.fixedGap(4096);
        assertEquals(1, fourK.plan(twoWithGap(4096)).operations());
        assertEquals(2, fourK.plan(twoWithGap(4097)).operations());
        ReadPlanner exact = ReadPlanner.fixedGap(0);
        assertEquals(1, exact.plan(twoWithGap(0)).operations());
        assertEquals(2, exact.plan(twoWithGap(1)).operations());
        assertThrows(IllegalArgumentException.class, () -> ReadPlanner.fixedGap(-1));
    }

    @Test
    void alignmentMergesExtentsSharingAPageForFree() {
        List<Extent> samePage = List.of(new Extent(10, 100), new Extent(3000, 100));
        assertEquals(2, ReadPlanner.fixedGap(0).plan(samePage).operations());
        assertEquals(
                1, ReadPlanner.fixedGap(0).withAlignment(4096).plan(samePage).operations());
        // Aligned gap between [0,4096) and [8192, ...): 4096 bytes.
        List<Extent> pageApart = List.of(new Extent(10, 100), new Extent(8200, 100));
        assertEquals(
                1,
                ReadPlanner.fixedGap(4096).withAlignment(4096).plan(pageApart).operations());
        assertEquals(
                2,
                ReadPlanner.fixedGap(4095).withAlignment(4096).plan(pageApart).operations());
        assertThrows(
                IllegalArgumentException.class, () -> ReadPlanner.fixedGap(0).withAlignment(3000));
    }

    @Test
    void alignedReadsAreExpandedToBlocksAndClampedAtEndOfFile() {
        ReadPlanner planner = ReadPlanner.fixedGap(0).withAlignedReads(4096, 20_000);
        ReadPlan plan = planner.plan(
                List.of(new Extent(10, 100), new Extent(5000, 10), new Extent(8192, 1), new Extent(19_000, 1000)));
        // [10,110) and [5000,5010) lie in touching blocks (aligned gap 0): one read [0, 12288).
        assertEquals(List.of(new Extent(0, 12_288), new Extent(16_384, 20_000 - 16_384)), plan.reads());
        assertEquals(List.of(0, 0, 0, 1), List.of(plan.readOf(0), plan.readOf(1), plan.readOf(2), plan.readOf(3)));
        assertEquals(10, plan.offsetInRead(0));
        assertEquals(5000, plan.offsetInRead(1));
        assertEquals(12_288 + 19_000 - 16_384, plan.bufferOffset(3));
        assertPlanInvariants(plan);
        // Extents sharing a block merge even past the read cap, so reads stay disjoint.
        ReadPlan capped = ReadPlanner.fixedGap(0)
                .withAlignedReads(4096, 20_000)
                .withMaxReadBytes(100)
                .plan(List.of(new Extent(0, 100), new Extent(200, 100)));
        assertEquals(List.of(new Extent(0, 4096)), capped.reads());
        assertThrows(
                IllegalArgumentException.class,
                () -> ReadPlanner.fixedGap(0).withAlignedReads(4096, 100).plan(List.of(new Extent(50, 100))));
    }

    @Test
    void maxReadBytesCapsMergedReads() {
        List<Extent> run = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            run.add(new Extent(i * 1000L, 1000));
        }
        ReadPlan plan = ReadPlanner.fixedGap(0).withMaxReadBytes(3000).plan(run);
        assertEquals(4, plan.operations());
        assertTrue(plan.reads().stream().allMatch(r -> r.length() <= 3000));
        ReadPlan oneBig = ReadPlanner.fixedGap(0).withMaxReadBytes(10).plan(List.of(new Extent(0, 5000)));
        assertEquals(List.of(new Extent(0, 5000)), oneBig.reads());
    }

    @Test
    void unsortedExtentsAreRejectedAndEmptyPlansAreEmpty() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ReadPlanner.fixedGap(0).plan(List.of(new Extent(100, 1), new Extent(50, 1))));
        assertTrue(e.getMessage().contains("sorted"), e.getMessage());
        ReadPlan empty = ReadPlanner.fixedGap(0).plan(List.of());
        assertEquals(0, empty.operations());
        assertEquals(0, empty.bytesRead());
    }

    @Test
    void bundlesAsOffsetsPlanAsTheirExtentsDo() {
        SplittableRandom random = new SplittableRandom(SEED);
        int bundle = 3076;
        for (ReadPlanner planner : List.of(
                ReadPlanner.costModel(MODEL, 4),
                ReadPlanner.fixedGap(0),
                ReadPlanner.fixedGap(20_000).withAlignment(4096),
                ReadPlanner.costModel(MODEL, 4)
                        .withAlignedReads(4096, FILE_SIZE)
                        .withMaxReadBytes(30_000))) {
            long[] offsets = new long[400];
            List<Extent> extents = new ArrayList<>();
            int count = 0;
            for (int slot = 0; slot < 600 && count < offsets.length; slot++) {
                if (random.nextInt(3) == 0) {
                    offsets[count++] = (long) slot * bundle;
                    extents.add(new Extent((long) slot * bundle, bundle));
                }
            }
            ReadPlan fromOffsets = planner.plan(offsets, count, bundle);
            ReadPlan fromExtents = planner.plan(extents);
            assertPlanInvariants(fromOffsets);
            assertEquals(fromExtents.reads(), fromOffsets.reads(), planner.toString());
            assertEquals(extents, fromOffsets.needed());
            assertEquals(count, fromOffsets.neededCount());
            for (int i = 0; i < count; i++) {
                assertEquals(fromExtents.bufferOffset(i), fromOffsets.bufferOffset(i), "bundle " + i);
            }
            Arrays.fill(offsets, 0);
            assertEquals(extents, fromOffsets.needed(), "the plan owns a copy: the caller may reuse its array");
        }
    }

    @Test
    void bundlesAsOffsetsAreRefusedWhereTheirExtentsWouldBe() {
        ReadPlanner planner = ReadPlanner.fixedGap(0);
        long[] offsets = {0, 8192, 4096};
        var unsorted = assertThrows(IllegalArgumentException.class, () -> planner.plan(offsets, 3, 100));
        assertTrue(
                unsorted.getMessage().contains("[4096, 4196) starts before extent 1 [8192, 8292)"),
                unsorted.getMessage());
        assertEquals(2, planner.plan(offsets, 2, 100).operations(), "only the first count offsets are planned");
        assertThrows(IllegalArgumentException.class, () -> planner.plan(offsets, 4, 100));
        assertThrows(IllegalArgumentException.class, () -> planner.plan(offsets, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> planner.plan(new long[] {-1}, 1, 100));
        assertThrows(IllegalArgumentException.class, () -> planner.plan(new long[] {Long.MAX_VALUE - 10}, 1, 100));
        assertEquals(0, planner.plan(offsets, 0, 100).operations());
    }

    @Test
    void queueDepthChoosesTheInterpolatedLine() {
        CostModel two = new CostModel("test", List.of(new CostLine(1, 100, 1000), new CostLine(4, 10, 2000)));
        CostLine qd2 = two.lineAt(2);
        assertEquals(55, qd2.fixedMicros(), 1e-9);
        assertEquals(1 / 0.00075, qd2.bytesPerMicro(), 1e-6);
        assertEquals(100, two.lineAt(1).fixedMicros());
        assertEquals(10, two.lineAt(64).fixedMicros(), "beyond the deepest line the deepest is used");
        assertTrue(
                ReadPlanner.costModel(two, 1).describe().contains("break-even gap 100000 B"),
                ReadPlanner.costModel(two, 1).describe());
    }

    @Test
    void presetProfilesPlanThroughTheirBreakEvenGap() {
        var ufs = UfsPresets.ufs40();
        double breakEven = ufs.costModel().lineAt(32).breakEvenGapBytes();
        ReadPlanner planner = ReadPlanner.costModel(ufs, 32);
        assertEquals(1, planner.plan(twoWithGap((long) breakEven - 1)).operations());
        assertEquals(2, planner.plan(twoWithGap((long) breakEven + 1)).operations());
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void bytesDeliveredThroughAPlanEqualDirectReads(ReaderKind kind) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED ^ kind.ordinal());
        List<Extent> needed = new ArrayList<>();
        long offset = random.nextInt(5000);
        while (true) {
            int length = 1 + random.nextInt(6000);
            if (offset + length > FILE_SIZE) {
                break;
            }
            needed.add(new Extent(offset, length));
            offset += length
                    + switch (random.nextInt(3)) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(3000);
                        default -> random.nextInt(60_000);
                    };
        }
        // The last needed extent ends at the (unaligned) end of the file.
        Extent last = needed.getLast();
        needed.set(needed.size() - 1, Extent.between(last.offset(), FILE_SIZE));
        for (ReadPlanner planner : List.of(
                ReadPlanner.costModel(MODEL, 4),
                ReadPlanner.fixedGap(0),
                ReadPlanner.fixedGap(20_000).withAlignment(4096),
                ReadPlanner.fixedGap(0).withAlignedReads(4096, FILE_SIZE),
                ReadPlanner.costModel(MODEL, 4)
                        .withAlignedReads(4096, FILE_SIZE)
                        .withMaxReadBytes(30_000))) {
            ReadPlan plan = planner.plan(needed);
            assertPlanInvariants(plan);
            for (int queueDepth : new int[] {1, 4}) { // on the caller only, and over the reader's workers
                try (ExtentReader reader = kind.open(PATTERN.path(), queueDepth);
                        Arena arena = Arena.ofShared()) {
                    MemorySegment buffer = arena.allocate(plan.bytesRead(), 4096);
                    ReadStats stats = reader.read(plan, buffer);
                    assertEquals(plan.operations(), stats.extents());
                    assertEquals(plan.bytesRead(), stats.bytesRequested());
                    if (planner.describe().contains("expanded") && kind.direct()) {
                        assertEquals(plan.bytesRead(), stats.bytesRead(), "aligned reads need no padding: " + planner);
                    }
                    for (int i = 0; i < needed.size(); i++) {
                        Extent e = needed.get(i);
                        PATTERN.assertHolds(
                                e,
                                plan.neededSlice(buffer, i),
                                "seed=" + SEED + " queue depth " + queueDepth + " " + planner + " extent " + i + " "
                                        + e);
                    }
                }
            }
        }
    }

    static void assertPlanInvariants(ReadPlan plan) {
        for (int r = 0; r < plan.operations(); r++) {
            assertEquals(plan.reads().get(r), new Extent(plan.readOffset(r), plan.readLength(r)), "read " + r);
        }
        long needed = plan.needed().stream().mapToLong(Extent::length).sum();
        long read = plan.reads().stream().mapToLong(Extent::length).sum();
        assertEquals(needed, plan.bytesNeeded());
        assertEquals(read, plan.bytesRead());
        assertTrue(read >= needed);
        for (int r = 1; r < plan.reads().size(); r++) {
            assertTrue(
                    plan.reads().get(r - 1).end() < plan.reads().get(r).offset(),
                    "reads sorted and disjoint, not touching");
        }
        for (int i = 0; i < plan.needed().size(); i++) {
            assertTrue(
                    plan.reads().get(plan.readOf(i)).contains(plan.needed().get(i)),
                    "extent " + i + " inside its read");
        }
    }
}
