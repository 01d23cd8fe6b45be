package dev.ripple.io.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The advisory libc calls: {@code madvise}, {@code posix_fadvise} (with the {@code fdatasync} that
 * must precede an eviction), {@code prctl(PR_SET_TIMERSLACK)} and {@code clock_gettime}, bound once
 * through {@link Libc}.
 *
 * <p>Obtained as an {@link Optional} (the Lucene {@code NativeAccess} idiom): empty on anything but
 * Linux, when a symbol is missing, when native access is not enabled for this module
 * ({@code --enable-native-access=ALL-UNNAMED}), or when disabled with
 * {@code -Dripple.nativeio.disabled=true}. The reason is logged once, at INFO, the first time
 * anyone asks. Callers treat every hint as advisory: an empty optional means "do nothing".
 *
 * <pre>{@code
 * NativeAccess.get().ifPresent(na -> na.madvise(mapped, Advice.RANDOM));
 * PageCache.evict(path);   // before a cold measured pass
 * }</pre>
 */
public final class NativeAccess {

    private static final System.Logger LOG = System.getLogger(NativeAccess.class.getName());
    private static final long PAGE = 4096;
    private static final int PR_SET_TIMERSLACK = 29;
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;

    private final Libc libc;
    private final MethodHandle madvise;
    private final MethodHandle posixFadvise;
    private final MethodHandle fdatasync;
    private final MethodHandle prctl;
    private final MethodHandle clockGettime;

    private NativeAccess(Libc libc) {
        this.libc = libc;
        this.madvise = libc.errnoCall("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        // posix_fadvise returns the error number instead of setting errno
        this.posixFadvise =
                libc.call("posix_fadvise", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
        this.fdatasync = libc.errnoCall("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        this.prctl = libc.call(
                "prctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
        this.clockGettime = libc.call("clock_gettime", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    private static final class Holder {
        static final Optional<NativeAccess> INSTANCE = bind(Libc.Platform.current());
    }

    /** The bound native calls, or empty when they are unavailable (reason logged once). */
    public static Optional<NativeAccess> get() {
        return Holder.INSTANCE;
    }

    /** Binds for {@code platform}; package-private so tests can exercise the unavailable path. */
    static Optional<NativeAccess> bind(Libc.Platform platform) {
        return Libc.bind(platform, NativeAccess::new)
                .logged(
                        LOG,
                        "Native I/O hints",
                        "madvise/posix_fadvise are no-ops and page-cache eviction is unavailable");
    }

    /**
     * {@code madvise(2)} over the pages that hold {@code segment}. The range is widened to page
     * boundaries, since the kernel requires a page-aligned start.
     *
     * @throws IOException naming errno if the kernel refuses
     */
    public void madvise(MemorySegment segment, Advice advice) throws IOException {
        if (segment.byteSize() == 0) {
            return;
        }
        long start = segment.address() & ~(PAGE - 1);
        long length = segment.address() + segment.byteSize() - start;
        MemorySegment state = Libc.errnoState();
        try {
            int rc = (int) madvise.invokeExact(state, MemorySegment.ofAddress(start), length, advice.linuxValue());
            if (rc != 0) {
                throw new IOException("madvise(" + advice + ") on " + length + " bytes at 0x" + Long.toHexString(start)
                        + " failed: " + Errno.describe(Libc.errno(state)));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("madvise downcall failed", t);
        }
    }

    /**
     * {@code posix_fadvise(2)} on a range of {@code file} (length 0 means to the end of the file).
     * The file is opened read-only for the call and closed again; page-cache state belongs to the
     * file, not to a descriptor, so this affects every reader of it.
     *
     * @throws IOException naming the file and errno if open or the advice fails
     */
    public void fadvise(Path file, long offset, long length, Advice advice) throws IOException {
        withDescriptor(file, false, fd -> {
            int rc = (int) posixFadvise.invokeExact(fd, offset, length, advice.linuxValue());
            if (rc != 0) { // posix_fadvise returns the error number instead of setting errno
                throw new IOException(file + ": posix_fadvise(" + advice + ") failed: " + Errno.describe(rc));
            }
        });
    }

    /**
     * Drops {@code file}'s pages from the page cache: {@code fdatasync} first (dirty pages cannot be
     * dropped), then {@code posix_fadvise(DONTNEED)} over the whole file. After this the next
     * buffered or mmap read of the file goes to the device.
     *
     * @throws IOException naming the file and errno if a call fails
     */
    public void evictFromPageCache(Path file) throws IOException {
        withDescriptor(file, true, fd -> {
            int rc = (int) posixFadvise.invokeExact(fd, 0L, 0L, Advice.DONTNEED.linuxValue());
            if (rc != 0) {
                throw new IOException(file + ": posix_fadvise(DONTNEED) failed: " + Errno.describe(rc));
            }
        });
    }

    /**
     * Sets the calling thread's timer slack ({@code prctl(PR_SET_TIMERSLACK)}): how late the kernel
     * may wake it from a timed sleep so as to batch wake-ups (50 µs by default). A device emulator
     * that sleeps until a modelled completion time lowers it to wake within microseconds.
     *
     * @return true if the kernel accepted it
     */
    public boolean setTimerSlack(long nanos) {
        try {
            return (int) prctl.invokeExact(PR_SET_TIMERSLACK, nanos, 0L, 0L, 0L) == 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("prctl downcall failed", t);
        }
    }

    /**
     * CPU time of this process, all threads, user and system, in nanoseconds
     * ({@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)}). The JVM's
     * {@code OperatingSystemMXBean.getProcessCpuTime} counts in scheduler ticks on some kernels
     * (10 ms), too coarse for the CPU cost of a few hundred reads.
     *
     * @return the time, or -1 if the call failed
     */
    public long processCpuNanos() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(JAVA_LONG, 2); // struct timespec { tv_sec; tv_nsec; } on LP64
            if ((int) clockGettime.invokeExact(CLOCK_PROCESS_CPUTIME_ID, ts) != 0) {
                return -1;
            }
            return ts.getAtIndex(JAVA_LONG, 0) * 1_000_000_000L + ts.getAtIndex(JAVA_LONG, 1);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("clock_gettime downcall failed", t);
        }
    }

    @FunctionalInterface
    private interface FdAction {
        void run(int fd) throws Throwable;
    }

    private void withDescriptor(Path file, boolean sync, FdAction action) throws IOException {
        int fd = libc.openReadOnly(file, false);
        if (fd < 0) {
            throw new IOException(file + ": open for posix_fadvise failed: " + Errno.describe(-fd));
        }
        try {
            MemorySegment state = Libc.errnoState();
            if (sync && (int) fdatasync.invokeExact(state, fd) != 0) {
                throw new IOException(file + ": fdatasync failed: " + Errno.describe(Libc.errno(state)));
            }
            action.run(fd);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(file + ": native call failed", t);
        } finally {
            libc.close(fd);
        }
    }
}
