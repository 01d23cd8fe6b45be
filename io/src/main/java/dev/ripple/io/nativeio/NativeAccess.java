package dev.ripple.io.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The one place in Ripple that calls into libc: {@code madvise}, {@code posix_fadvise} and the
 * {@code open}/{@code fdatasync}/{@code close} needed to get a descriptor for the latter, bound once
 * through the FFM {@link Linker}.
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

    /** System property that turns native calls off (for tests and for platforms that misbehave). */
    public static final String DISABLED_PROPERTY = "ripple.nativeio.disabled";

    private static final System.Logger LOG = System.getLogger(NativeAccess.class.getName());
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000; // 02000000 octal, Linux generic
    private static final long PAGE = 4096;
    private static final int PR_SET_TIMERSLACK = 29;
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private final MethodHandle madvise;
    private final MethodHandle posixFadvise;
    private final MethodHandle open;
    private final MethodHandle fdatasync;
    private final MethodHandle close;
    private final MethodHandle prctl;
    private final MethodHandle clockGettime;

    private NativeAccess(
            MethodHandle madvise,
            MethodHandle posixFadvise,
            MethodHandle open,
            MethodHandle fdatasync,
            MethodHandle close,
            MethodHandle prctl,
            MethodHandle clockGettime) {
        this.madvise = madvise;
        this.posixFadvise = posixFadvise;
        this.open = open;
        this.fdatasync = fdatasync;
        this.close = close;
        this.prctl = prctl;
        this.clockGettime = clockGettime;
    }

    private static final class Holder {
        static final Optional<NativeAccess> INSTANCE =
                bind(System.getProperty("os.name", ""), !Boolean.getBoolean(DISABLED_PROPERTY));
    }

    /** The bound native calls, or empty when they are unavailable (reason logged once). */
    public static Optional<NativeAccess> get() {
        return Holder.INSTANCE;
    }

    /** Binds for the given OS name; package-private so tests can exercise the unavailable path. */
    @SuppressWarnings("restricted") // the one place Ripple binds native code; see the class comment
    static Optional<NativeAccess> bind(String osName, boolean enabled) {
        if (!enabled) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "Native I/O hints disabled by -D" + DISABLED_PROPERTY
                            + "=true: madvise/posix_fadvise are no-ops and page-cache eviction is unavailable");
            return Optional.empty();
        }
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "Native I/O hints are implemented for Linux only (os.name=" + osName
                            + "): madvise/posix_fadvise are no-ops and page-cache eviction is unavailable");
            return Optional.empty();
        }
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            MethodHandle madvise = linker.downcallHandle(
                    find(libc, "madvise"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), errno);
            MethodHandle fadvise = linker.downcallHandle(
                    find(libc, "posix_fadvise"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
            MethodHandle open = linker.downcallHandle(
                    find(libc, "open"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                    errno,
                    Linker.Option.firstVariadicArg(2));
            MethodHandle fdatasync =
                    linker.downcallHandle(find(libc, "fdatasync"), FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
            MethodHandle close =
                    linker.downcallHandle(find(libc, "close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
            MethodHandle prctl = linker.downcallHandle(
                    find(libc, "prctl"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                    Linker.Option.firstVariadicArg(1));
            MethodHandle clockGettime = linker.downcallHandle(
                    find(libc, "clock_gettime"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
            return Optional.of(new NativeAccess(madvise, fadvise, open, fdatasync, close, prctl, clockGettime));
        } catch (RuntimeException | LinkageError e) {
            // IllegalCallerException when native access is not enabled; NoSuchElementException for a
            // missing symbol; UnsupportedOperationException on an unsupported ABI.
            LOG.log(
                    System.Logger.Level.INFO,
                    "Native I/O hints unavailable (" + e
                            + "); run with --enable-native-access=ALL-UNNAMED on Linux to enable madvise/posix_fadvise");
            return Optional.empty();
        }
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new NoSuchElementException("libc symbol " + name));
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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int rc = (int) madvise.invokeExact(state, MemorySegment.ofAddress(start), length, advice.linuxValue());
            if (rc != 0) {
                throw new IOException("madvise(" + advice + ") on " + length + " bytes at 0x" + Long.toHexString(start)
                        + " failed: " + Errno.describe((int) ERRNO.get(state, 0L)));
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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment cPath = arena.allocateFrom(file.toAbsolutePath().toString());
            int fd = (int) open.invokeExact(state, cPath, O_RDONLY | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException(
                        file + ": open for posix_fadvise failed: " + Errno.describe((int) ERRNO.get(state, 0L)));
            }
            try {
                if (sync && (int) fdatasync.invokeExact(state, fd) != 0) {
                    throw new IOException(file + ": fdatasync failed: " + Errno.describe((int) ERRNO.get(state, 0L)));
                }
                action.run(fd);
            } finally {
                int ignored = (int) close.invokeExact(state, fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(file + ": native call failed", t);
        }
    }
}
