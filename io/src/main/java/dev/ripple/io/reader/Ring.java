package dev.ripple.io.reader;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.ripple.io.nativeio.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One io_uring instance: the submission and completion rings mapped into this process, the file
 * registered as fixed file 0, and a region of 4 KiB-aligned bounce buffers registered with the
 * kernel ({@code IORING_REGISTER_BUFFERS}), so reads into it ({@code IORING_OP_READ_FIXED}) skip
 * pinning pages on every operation.
 *
 * <p>Used by one thread at a time (the io_uring reader keeps one ring per calling thread, which lets
 * it ask for {@code IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN} where the kernel has
 * them). Ring memory follows the kernel's protocol: the submission tail is published with release
 * semantics and the completion tail read with acquire semantics, through {@link VarHandle}s on the
 * mapped segment. Every ring counts itself in {@link #live()} and its registered bytes in
 * {@link #liveRegisteredBytes()} until {@link #close()}, so tests can prove none leaks.
 *
 * <p>Layouts are those of {@code <linux/io_uring.h>}: {@code io_uring_params} is 120 bytes, an SQE
 * 64, a CQE 16.
 */
final class Ring implements AutoCloseable {

    static final long PARAMS_BYTES = 120;
    static final long PARAMS_FEATURES = 20;
    private static final long PARAMS_FLAGS = 8;
    private static final long SQ_OFF = 40;
    private static final long CQ_OFF = 80;

    /** IORING_FEAT_SINGLE_MMAP | NODROP | SUBMIT_STABLE | RW_CUR_POS: Linux 5.6, where IORING_OP_READ appeared. */
    static final int REQUIRED_FEATURES = 0xF;

    static final byte OP_READ_FIXED = 4;
    static final byte OP_READ = 22;
    private static final byte IOSQE_FIXED_FILE = 1;
    private static final int ENTER_GETEVENTS = 1;
    private static final int REGISTER_BUFFERS = 0;
    private static final int REGISTER_FILES = 2;
    private static final long OFF_SQES = 0x10000000L;

    private static final int SETUP_SUBMIT_ALL = 1 << 7;
    private static final int SETUP_COOP_TASKRUN = 1 << 8;
    private static final int SETUP_SINGLE_ISSUER = 1 << 12;
    private static final int SETUP_DEFER_TASKRUN = 1 << 13;
    /** Tried in order: the first the kernel accepts is kept (newer flags make completions cheaper). */
    private static final int[] SETUP_FLAGS = {
        SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN | SETUP_SUBMIT_ALL, SETUP_COOP_TASKRUN | SETUP_SUBMIT_ALL, 0
    };

    private static final long SQE_BYTES = 64;
    static final long CQE_BYTES = 16;
    private static final VarHandle INT = JAVA_INT.varHandle();

    private static final AtomicInteger LIVE = new AtomicInteger();
    private static final AtomicLong LIVE_REGISTERED = new AtomicLong();

    private final UringSyscalls sys;
    private final int fd;
    private final long ringBytes;
    private final MemorySegment ring;
    private final long sqeBytes;
    private final MemorySegment sqes;
    private final int setupFlags;
    private final int sqMask;
    private final int sqEntries;
    private final long sqHead;
    private final long sqTail;
    private final int cqMask;
    private final long cqHead;
    private final long cqTail;
    private final long cqes;
    private final Arena bufferArena;
    private final MemorySegment buffers;
    private final boolean buffersRegistered;
    private final boolean fileRegistered;
    private final int fileFd;
    private int localTail;
    private int unsubmitted;
    private int localCqHead;
    private long enterCalls;
    private int generation;
    /**
     * Set by the one {@link #close} that frees the ring: a reader's {@code discard} may close a ring
     * while the reader's close closes it too, and a second munmap or close of the fd (its number
     * perhaps reused by then) would hit memory or a file no longer this ring's.
     */
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Where the completion queue's head, tail, mask and entries lie in the ring mapping, as
     * {@code io_uring_params.cq_off} gives them after setup.
     */
    record CqOffsets(long head, long tail, long mask, long cqes) {
        static CqOffsets of(MemorySegment params) {
            return new CqOffsets(
                    params.get(JAVA_INT, CQ_OFF),
                    params.get(JAVA_INT, CQ_OFF + 4),
                    params.get(JAVA_INT, CQ_OFF + 8),
                    params.get(JAVA_INT, CQ_OFF + 20));
        }
    }

    /** Completions as they are reaped. */
    @FunctionalInterface
    interface Completion {
        void complete(long userData, int result);
    }

    /**
     * Sets up a ring of at least {@code entries} submission entries for reads of {@code fileFd},
     * with {@code bufferBytes} of registered bounce buffers (0: none).
     *
     * @throws IOException naming errno when the kernel refuses the ring or its mapping
     */
    @SuppressWarnings("restricted") // the kernel's ring memory, mapped by mmap and read through bounded segments
    static Ring create(UringSyscalls sys, int entries, int fileFd, long bufferBytes) throws IOException {
        int wanted = Integer.highestOneBit(Math.max(1, entries - 1)) << 1; // the kernel rounds up to a power of two
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment params = scratch.allocate(PARAMS_BYTES, 8);
            int fd = -1;
            int flags = 0;
            for (int f : SETUP_FLAGS) {
                params.fill((byte) 0);
                params.set(JAVA_INT, PARAMS_FLAGS, f);
                fd = sys.setup(wanted, params);
                flags = f;
                if (fd != -Errno.EINVAL) {
                    break;
                }
            }
            if (fd < 0) {
                throw new IOException("io_uring_setup(" + wanted + ") failed: " + Errno.describe(-fd));
            }
            long ringAddress = 0;
            long ringBytes = 0;
            long sqeAddress = 0;
            long sqeBytes = 0;
            try {
                int sqEntries = params.get(JAVA_INT, 0);
                int cqEntries = params.get(JAVA_INT, 4);
                long sqArray = params.get(JAVA_INT, SQ_OFF + 24);
                ringBytes =
                        Math.max(sqArray + 4L * sqEntries, CqOffsets.of(params).cqes() + CQE_BYTES * cqEntries);
                ringAddress = sys.mmap(ringBytes, fd, 0);
                if (ringAddress < 0) {
                    throw new IOException("mmap of the io_uring rings (" + ringBytes + " bytes) failed: "
                            + Errno.describe((int) -ringAddress));
                }
                sqeBytes = SQE_BYTES * sqEntries;
                sqeAddress = sys.mmap(sqeBytes, fd, OFF_SQES);
                if (sqeAddress < 0) {
                    throw new IOException(
                            "mmap of the io_uring submission entries failed: " + Errno.describe((int) -sqeAddress));
                }
                MemorySegment ring = MemorySegment.ofAddress(ringAddress).reinterpret(ringBytes);
                MemorySegment sqes = MemorySegment.ofAddress(sqeAddress).reinterpret(sqeBytes);
                for (int i = 0; i < sqEntries; i++) { // entry i always goes in slot i: the array is the identity
                    ring.set(JAVA_INT, sqArray + 4L * i, i);
                }
                return new Ring(sys, fd, flags, params, ring, ringBytes, sqes, sqeBytes, fileFd, bufferBytes);
            } catch (IOException | RuntimeException e) {
                if (sqeAddress > 0) {
                    sys.munmap(sqeAddress, sqeBytes);
                }
                if (ringAddress > 0) {
                    sys.munmap(ringAddress, ringBytes);
                }
                sys.close(fd);
                throw e;
            }
        }
    }

    private Ring(
            UringSyscalls sys,
            int fd,
            int setupFlags,
            MemorySegment params,
            MemorySegment ring,
            long ringBytes,
            MemorySegment sqes,
            long sqeBytes,
            int fileFd,
            long bufferBytes) {
        this.sys = sys;
        this.fd = fd;
        this.setupFlags = setupFlags;
        this.ring = ring;
        this.ringBytes = ringBytes;
        this.sqes = sqes;
        this.sqeBytes = sqeBytes;
        this.sqEntries = params.get(JAVA_INT, 0);
        this.sqHead = params.get(JAVA_INT, SQ_OFF);
        this.sqTail = params.get(JAVA_INT, SQ_OFF + 4);
        this.sqMask = ring.get(JAVA_INT, params.get(JAVA_INT, SQ_OFF + 8));
        CqOffsets cq = CqOffsets.of(params);
        this.cqHead = cq.head();
        this.cqTail = cq.tail();
        this.cqMask = ring.get(JAVA_INT, cq.mask());
        this.cqes = cq.cqes();
        this.localTail = (int) INT.getAcquire(ring, sqTail);
        this.localCqHead = (int) INT.getAcquire(ring, cqHead);
        this.fileFd = fileFd;
        this.fileRegistered = registerFile(fileFd);
        if (bufferBytes > 0) {
            this.bufferArena = Arena.ofShared();
            this.buffers = bufferArena.allocate(bufferBytes, DirectReader.ALIGNMENT);
            this.buffersRegistered = registerBuffers(buffers);
        } else {
            this.bufferArena = null;
            this.buffers = MemorySegment.NULL;
            this.buffersRegistered = false;
        }
        LIVE.incrementAndGet();
        LIVE_REGISTERED.addAndGet(buffers.byteSize());
    }

    private boolean registerFile(int file) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(JAVA_INT);
            fds.set(JAVA_INT, 0, file);
            return sys.register(fd, REGISTER_FILES, fds, 1) >= 0;
        }
    }

    /** One iovec over the whole region; refused (ENOMEM under a small RLIMIT_MEMLOCK) means plain reads into it. */
    private boolean registerBuffers(MemorySegment region) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = a.allocate(16, 8);
            iov.set(JAVA_LONG, 0, region.address());
            iov.set(JAVA_LONG, 8, region.byteSize());
            return sys.register(fd, REGISTER_BUFFERS, iov, 1) >= 0;
        }
    }

    /** The registered bounce region (NULL when none was asked for). */
    MemorySegment buffers() {
        return buffers;
    }

    boolean buffersRegistered() {
        return buffersRegistered;
    }

    boolean fileRegistered() {
        return fileRegistered;
    }

    /** Submission entries of this ring: the most reads it can have in flight. */
    int entries() {
        return sqEntries;
    }

    /** Setup flags the kernel accepted. */
    int setupFlags() {
        return setupFlags;
    }

    /** A new number for the next request, carried in its reads' user data so stale completions are recognised. */
    int nextGeneration() {
        return ++generation;
    }

    /** Calls of io_uring_enter so far. */
    long enterCalls() {
        return enterCalls;
    }

    /**
     * Queues a read of {@code length} bytes at {@code fileOffset} into memory at {@code address}
     * (inside the registered region when {@code fixedBuffer}); published by the next {@link #submit}.
     *
     * @return false if the submission ring is full
     */
    boolean prepareRead(long fileOffset, long address, int length, boolean fixedBuffer, long userData) {
        int head = (int) INT.getAcquire(ring, sqHead);
        if (localTail - head >= sqEntries) {
            return false;
        }
        long at = (long) (localTail & sqMask) * SQE_BYTES;
        for (long b = 0; b < SQE_BYTES; b += 8) {
            sqes.set(JAVA_LONG, at + b, 0L);
        }
        boolean fixed = fixedBuffer && buffersRegistered;
        sqes.set(JAVA_BYTE, at, fixed ? OP_READ_FIXED : OP_READ);
        sqes.set(JAVA_BYTE, at + 1, fileRegistered ? IOSQE_FIXED_FILE : 0);
        sqes.set(JAVA_INT, at + 4, fileRegistered ? 0 : fileFd);
        sqes.set(JAVA_LONG, at + 8, fileOffset);
        sqes.set(JAVA_LONG, at + 16, address);
        sqes.set(JAVA_INT, at + 24, length);
        sqes.set(JAVA_LONG, at + 32, userData);
        sqes.set(JAVA_SHORT, at + 40, (short) 0); // buf_index: the one registered region
        localTail++;
        unsubmitted++;
        return true;
    }

    /**
     * Publishes the queued entries and, when {@code waitFor > 0}, waits in the same system call until
     * at least that many completions are posted. An interrupted or busy call is retried; with
     * nothing to submit and completions already posted, no system call is made.
     *
     * @throws IOException naming errno if the kernel refuses the submission
     */
    void submit(int waitFor) throws IOException {
        INT.setRelease(ring, sqTail, localTail);
        if (unsubmitted == 0 && (waitFor == 0 || ready() >= waitFor)) {
            return;
        }
        while (true) {
            int flags = waitFor > 0 ? ENTER_GETEVENTS : 0;
            int rc = sys.enter(fd, unsubmitted, waitFor, flags);
            enterCalls++;
            if (rc >= 0) {
                unsubmitted -= Math.min(rc, unsubmitted);
                if (unsubmitted == 0 || waitFor > 0) {
                    return;
                }
            } else if (rc != -Errno.EINTR && rc != -Errno.EAGAIN && rc != -Errno.EBUSY) {
                throw new IOException("io_uring_enter failed: " + Errno.describe(-rc));
            } else if (rc != -Errno.EINTR && ready() > 0) {
                return; // busy: the caller reaps what is there and comes back
            }
        }
    }

    /** Completions posted and not yet reaped. */
    int ready() {
        return (int) INT.getAcquire(ring, cqTail) - localCqHead;
    }

    /** Hands every posted completion to {@code sink} and releases its slot; returns how many. */
    int reap(Completion sink) {
        int tail = (int) INT.getAcquire(ring, cqTail);
        int n = 0;
        try {
            while (localCqHead != tail) {
                long at = cqes + (long) (localCqHead & cqMask) * CQE_BYTES;
                long userData = ring.get(JAVA_LONG, at);
                int result = ring.get(JAVA_INT, at + 8);
                localCqHead++;
                n++;
                sink.complete(userData, result);
            }
        } finally {
            INT.setRelease(ring, cqHead, localCqHead);
        }
        return n;
    }

    /** Rings not yet closed, in this JVM. */
    static int live() {
        return LIVE.get();
    }

    /** Registered bounce-buffer bytes of rings not yet closed, in this JVM. */
    static long liveRegisteredBytes() {
        return LIVE_REGISTERED.get();
    }

    /**
     * Unmaps the rings and closes the ring (which unregisters its buffers and file); then frees the
     * buffers. Idempotent and safe from any thread: only the first call frees anything.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        sys.munmap(sqes.address(), sqeBytes);
        sys.munmap(ring.address(), ringBytes);
        sys.close(fd);
        if (bufferArena != null) {
            bufferArena.close();
        }
        LIVE.decrementAndGet();
        LIVE_REGISTERED.addAndGet(-buffers.byteSize());
    }
}
