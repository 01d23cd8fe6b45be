package dev.ripple.io.reader;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.ripple.io.nativeio.Errno;
import dev.ripple.io.nativeio.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link FileSource} on a descriptor opened and read with libc's {@code open} and {@code pread}
 * through the FFM linker. A downcall is not interruptible: a thread interrupted inside a read
 * finishes it and keeps its interrupt status, and the descriptor stays open for every other
 * thread, which is what lets a caller cancel a generation by interrupting its thread (a
 * {@code FileChannel} would close itself for everyone).
 *
 * <p>The descriptor is not reopened by path, ever: a model replaced on disk (renamed over) while open
 * keeps being read from the file that was opened, as the mmap and io_uring readers do.
 *
 * <p>A read after {@link #close()} throws, and {@code close} waits for the reads in progress before
 * it closes the descriptor: the number of a closed descriptor is soon reused by the next file
 * anyone opens, and a read through it would silently return that file's bytes (a
 * {@code FileChannel} guards the same way). The guard is one counter, two atomic updates per
 * read, next to a system call.
 */
final class NativeFile implements FileSource {

    /** Largest piece a heap target is read through (off-heap, then copied): pread cannot write the heap. */
    private static final long HEAP_BOUNCE_BYTES = 1 << 20;

    private final Calls calls;
    private final Path path;
    private final int fd;
    private final long sizeAtOpen;
    /** Reads in progress, plus {@link #CLOSED} once {@link #close()} began. */
    private final AtomicInteger users = new AtomicInteger();

    private static final int CLOSED = Integer.MIN_VALUE;

    private NativeFile(Calls calls, Path path, int fd, long sizeAtOpen) {
        this.calls = calls;
        this.path = path;
        this.fd = fd;
        this.sizeAtOpen = sizeAtOpen;
    }

    /**
     * Opens {@code path} read-only, with {@code O_DIRECT} if {@code direct}. Its size is the
     * descriptor's own ({@code lseek} to the end), not one read by path: a file renamed over
     * {@code path} between the two would give one file's size and another's bytes.
     */
    static NativeFile open(Calls calls, Path path, boolean direct) throws IOException {
        int fd = calls.open(path, direct);
        if (fd < 0) {
            throw openFailure(path, direct, -fd);
        }
        long size = calls.size(fd);
        if (size < 0) {
            calls.close(fd);
            throw new IOException(path + ": its size could not be read: " + Errno.describe((int) -size));
        }
        return new NativeFile(calls, path, fd, size);
    }

    /**
     * A failed open as NIO would report it, so callers tell a missing file or a refused permission
     * from other failures by type whichever way the file was opened; the message names the errno.
     * An {@code O_DIRECT} open refused as such (EINVAL, EOPNOTSUPP: the file system does not do
     * direct I/O) is a {@link DirectIoUnsupportedException}; any other errno (EMFILE, ENOMEM, ...)
     * is said as it is, not blamed on the file system.
     */
    static IOException openFailure(Path path, boolean direct, int errno) {
        String reason = "open" + (direct ? " with O_DIRECT" : "") + " failed: " + Errno.describe(errno);
        return switch (errno) {
            case Errno.ENOENT -> new NoSuchFileException(path.toString(), null, reason);
            case Errno.EACCES, Errno.EPERM -> new AccessDeniedException(path.toString(), null, reason);
            case Errno.EINVAL, Errno.EOPNOTSUPP ->
                direct
                        ? DirectReader.refusal(path, new IOException(path + ": " + reason))
                        : new IOException(path + ": " + reason);
            default -> new IOException(path + ": " + reason);
        };
    }

    @Override
    public long read(MemorySegment dst, long position) throws IOException {
        if (dst.byteSize() == 0) {
            return 0;
        }
        if (!dst.isNative()) {
            return readIntoHeap(dst, position);
        }
        if (users.getAndIncrement() < 0) {
            users.getAndDecrement();
            throw new IOException(path + ": read after the file was closed");
        }
        try {
            while (true) {
                long n = calls.pread(fd, dst, position);
                if (n > 0) {
                    return n;
                }
                if (n == 0) {
                    return -1;
                }
                if (n != -Errno.EINTR) {
                    throw new IOException(path + ": pread of " + dst.byteSize() + " bytes at " + position + " failed: "
                            + Errno.describe((int) -n));
                }
            }
        } finally {
            users.getAndDecrement();
        }
    }

    private long readIntoHeap(MemorySegment dst, long position) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bounce = arena.allocate(Math.min(dst.byteSize(), HEAP_BOUNCE_BYTES));
            long n = read(bounce, position);
            if (n > 0) {
                MemorySegment.copy(bounce, 0, dst, 0, n);
            }
            return n;
        }
    }

    @Override
    public long sizeAtOpen() {
        return sizeAtOpen;
    }

    @Override
    public String mechanism() {
        return "native pread";
    }

    @Override
    public void close() throws IOException {
        int before = users.getAndUpdate(u -> u | CLOSED);
        if (before < 0) {
            return;
        }
        while (users.get() != CLOSED) { // reads in progress: a pread of a regular file ends soon
            LockSupport.parkNanos(100_000);
        }
        int rc = calls.close(fd);
        if (rc < 0) {
            throw new IOException(path + ": close failed: " + Errno.describe(-rc));
        }
    }

    /**
     * {@code pread} and {@code lseek}, with {@link Libc}'s {@code open} and {@code close}, bound
     * once (holder idiom). Empty where {@link Libc} refuses (native calls off with
     * {@code -Dripple.nativeio.disabled=true}, not Linux on x86-64 or aarch64, no
     * {@code --enable-native-access} where it is enforced); the reason is logged once at INFO, and
     * the readers then use a {@code FileChannel}.
     */
    static final class Calls {
        private final Libc libc;
        private final MethodHandle pread;

        private Calls(Libc libc) {
            this.libc = libc;
            this.pread =
                    libc.errnoCall("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        }

        private static final class Holder {
            static final Optional<Calls> INSTANCE = bind(Libc.Platform.current());
        }

        /** The bound calls, or empty (reason logged once). */
        static Optional<Calls> get() {
            return Holder.INSTANCE;
        }

        static Optional<Calls> bind(Libc.Platform platform) {
            return Libc.bind(platform, Calls::new)
                    .logged(
                            System.getLogger(NativeFile.class.getName()),
                            "Native pread",
                            "the pread and direct readers use a FileChannel, which an interrupt of a reading"
                                    + " thread closes for every thread");
        }

        /** {@code open(path, O_RDONLY|O_CLOEXEC[|O_DIRECT])}: a descriptor, or -errno. */
        int open(Path path, boolean direct) {
            return libc.openReadOnly(path, direct);
        }

        /** {@code pread(fd, dst, dst.byteSize(), position)}: bytes read, or -errno. */
        long pread(int fd, MemorySegment dst, long position) {
            MemorySegment state = Libc.errnoState();
            try {
                long n = (long) pread.invokeExact(state, fd, dst, dst.byteSize(), position);
                return n < 0 ? -Libc.errno(state) : n;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("pread failed to run", t);
            }
        }

        /** {@code lseek(fd, 0, SEEK_END)}: the size of the open file, or -errno ({@link Libc#size}). */
        long size(int fd) {
            return libc.size(fd);
        }

        /** {@code close(fd)}: 0, or -errno. */
        int close(int fd) {
            return libc.close(fd);
        }
    }
}
