package dev.ripple.io.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.io.Extent;
import dev.ripple.io.PatternFile;
import dev.ripple.io.ReadStats;
import dev.ripple.io.TestFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How the io_uring reader hands reads to the kernel: one read per submission (the previous batched
 * submission let the device complete reads in convoys, docs/IO.md), requests of many more reads than
 * the ring holds, and completions that arrive in another order than the reads were issued — the
 * last forced by a system-call layer that holds completions back and reverses them in the ring.
 */
@ExtendWith(UringAvailable.class)
class UringSubmissionTest {

    static final long SEED = TestFiles.seed();

    @RegisterExtension
    static final PatternFile PATTERN = new PatternFile("uring-submission", UringReaderFaultsTest.FILE_SIZE, SEED);

    static String seed(String what) {
        return PATTERN.seedMessage(what);
    }

    /** Random 4 KiB-aligned single-block extents: one read each. */
    static List<Extent> blocks(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Extent> out = new ArrayList<>();
        int blocks = UringReaderFaultsTest.FILE_SIZE / 4096;
        for (int i = 0; i < count; i++) {
            out.add(new Extent(4096L * random.nextInt(blocks), 4096));
        }
        return out;
    }

    static void assertBytes(List<Extent> extents, List<MemorySegment> targets) {
        for (int i = 0; i < extents.size(); i++) {
            PATTERN.assertHolds(extents.get(i), targets.get(i), seed("extent " + i + " " + extents.get(i)));
        }
    }

    @Test
    void eachReadIsSubmittedOnItsOwnAndTheQueueStaysFull() throws IOException {
        int depth = 8;
        List<Extent> extents = blocks(SEED, 40 * depth);
        Recording sys = new Recording(UringSyscalls.get().orElseThrow(), false);
        try (Arena arena = Arena.ofShared();
                UringReader reader = UringReader.open(PATTERN.path(), depth, sys, UringReader.Faults.NONE)) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length(), 4096)).toList();
            ReadStats stats = reader.read(extents, targets);
            assertBytes(extents, targets);
            assertEquals(extents.size(), stats.operations());
            assertEquals(extents.size(), sys.submitted, seed("every read submitted once"));
            assertEquals(1, sys.largestSubmission, seed("no call hands the kernel more than one read"));
            assertEquals(depth, reader.peakInFlight(), seed("the queue reaches its depth"));
        }
    }

    @Test
    void atQueueDepthOneAReadIsStillOneSystemCall() throws IOException {
        List<Extent> extents = blocks(SEED + 5, 50);
        Recording sys = new Recording(UringSyscalls.get().orElseThrow(), false);
        try (Arena arena = Arena.ofShared();
                UringReader reader = UringReader.open(PATTERN.path(), 1, sys, UringReader.Faults.NONE)) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length(), 4096)).toList();
            reader.read(extents, targets);
            assertBytes(extents, targets);
            assertEquals(extents.size(), reader.systemCalls(), seed("the read rides on the call that waits for it"));
        }
    }

    @Test
    void batchedSubmissionRemainsAvailableForComparisons() throws IOException {
        int depth = 8;
        List<Extent> extents = blocks(SEED + 1, 20 * depth);
        Recording sys = new Recording(UringSyscalls.get().orElseThrow(), false);
        String before = System.getProperty(UringReader.BATCH_SUBMIT_PROPERTY);
        System.setProperty(UringReader.BATCH_SUBMIT_PROPERTY, "true");
        try (Arena arena = Arena.ofShared();
                UringReader reader = UringReader.open(PATTERN.path(), depth, sys, UringReader.Faults.NONE)) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length(), 4096)).toList();
            reader.read(extents, targets);
            assertBytes(extents, targets);
            assertEquals(extents.size(), sys.submitted);
            assertEquals(depth, sys.largestSubmission, seed("the first pass goes in one call"));
        } finally {
            if (before == null) {
                System.clearProperty(UringReader.BATCH_SUBMIT_PROPERTY);
            } else {
                System.setProperty(UringReader.BATCH_SUBMIT_PROPERTY, before);
            }
        }
    }

    @Test
    void manyMoreReadsThanTheRingHoldsCompleteInAnyOrder() throws IOException {
        int depth = 4; // a ring of 4 entries
        List<Extent> extents = new ArrayList<>(blocks(SEED + 2, 300));
        extents.addAll(UringReaderFaultsTest.extents(SEED + 3, 60)); // unaligned, slot and pooled buffers
        Recording sys = new Recording(UringSyscalls.get().orElseThrow(), true);
        List<Integer> arrived = new ArrayList<>();
        try (Arena arena = Arena.ofShared();
                UringReader reader = UringReader.open(PATTERN.path(), depth, sys, UringReader.Faults.NONE)) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length())).toList();
            reader.read(extents, targets, arrived::add);
            assertBytes(extents, targets);
            assertTrue(sys.reversed > 0, seed("completions were handed over reversed"));
            assertEquals(extents.size(), arrived.size(), seed("every extent reported once"));
            assertEquals(extents.size(), arrived.stream().distinct().count(), seed("every extent reported once"));
            List<Integer> sorted = arrived.stream().sorted().toList();
            assertNotEquals(sorted, arrived, seed("extents arrived out of order"));
            // the ring is reused by the next request of the thread
            List<Extent> again = blocks(SEED + 4, 50);
            List<MemorySegment> more =
                    again.stream().map(e -> arena.allocate(e.length())).toList();
            reader.read(again, more);
            assertBytes(again, more);
        }
    }

    /**
     * The real system calls, recording what each {@code io_uring_enter} submits; with
     * {@code reorder}, a call that waits for completions first lets more arrive (up to 1 ms) and then
     * reverses the order of the completions in the ring, as a device completing out of order would.
     */
    static final class Recording implements UringSyscalls {
        private final UringSyscalls real;
        private final boolean reorder;
        private Ring.CqOffsets cq;
        private MemorySegment ring;
        private int ringFd = -1;
        long submitted;
        int largestSubmission;
        int reversed;

        Recording(UringSyscalls real, boolean reorder) {
            this.real = real;
            this.reorder = reorder;
        }

        @Override
        public int setup(int entries, MemorySegment params) {
            int fd = real.setup(entries, params);
            if (fd >= 0) {
                ringFd = fd;
                cq = Ring.CqOffsets.of(params);
            }
            return fd;
        }

        @Override
        @SuppressWarnings("restricted") // the ring the real setup mapped, read as the reader reads it
        public int enter(int fd, int toSubmit, int minComplete, int flags) {
            int rc = real.enter(fd, toSubmit, minComplete, flags);
            if (rc > 0) {
                submitted += rc;
                largestSubmission = Math.max(largestSubmission, rc);
            }
            if (reorder && minComplete > 0 && ring != null && fd == ringFd) {
                LockSupport.parkNanos(1_000_000);
                real.enter(fd, 0, 0, flags); // post what arrived meanwhile (deferred task work)
                reverseUnreaped();
            }
            return rc;
        }

        private void reverseUnreaped() {
            int head = ring.get(ValueLayout.JAVA_INT, cq.head());
            int tail = ring.get(ValueLayout.JAVA_INT, cq.tail());
            int mask = ring.get(ValueLayout.JAVA_INT, cq.mask());
            if (tail - head < 2) {
                return;
            }
            for (int i = head, j = tail - 1; i < j; i++, j--) {
                long a = cq.cqes() + Ring.CQE_BYTES * (i & mask);
                long b = cq.cqes() + Ring.CQE_BYTES * (j & mask);
                long ua = ring.get(ValueLayout.JAVA_LONG, a);
                long ra = ring.get(ValueLayout.JAVA_LONG, a + 8);
                ring.set(ValueLayout.JAVA_LONG, a, ring.get(ValueLayout.JAVA_LONG, b));
                ring.set(ValueLayout.JAVA_LONG, a + 8, ring.get(ValueLayout.JAVA_LONG, b + 8));
                ring.set(ValueLayout.JAVA_LONG, b, ua);
                ring.set(ValueLayout.JAVA_LONG, b + 8, ra);
            }
            reversed++;
        }

        @Override
        public int register(int fd, int opcode, MemorySegment arg, int nrArgs) {
            return real.register(fd, opcode, arg, nrArgs);
        }

        @Override
        @SuppressWarnings("restricted")
        public long mmap(long length, int fd, long offset) {
            long address = real.mmap(length, fd, offset);
            if (address > 0 && offset == 0 && fd == ringFd) {
                ring = MemorySegment.ofAddress(address).reinterpret(length);
            }
            return address;
        }

        @Override
        public int munmap(long address, long length) {
            if (ring != null && address == ring.address()) {
                ring = null;
            }
            return real.munmap(address, length);
        }

        @Override
        public int openDirect(Path path) {
            return real.openDirect(path);
        }

        @Override
        public int close(int fd) {
            return real.close(fd);
        }

        @Override
        public long size(int fd) {
            return real.size(fd);
        }
    }
}
