package dev.ripple.io.reader;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.ripple.io.nativeio.Errno;
import dev.ripple.io.nativeio.NativeAccess;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
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
        int fd = calls.open(path.toAbsolutePath().toString(), direct);
        if (fd < 0) {
            throw new IOException(
                    path + ": open" + (direct ? " with O_DIRECT" : "") + " failed: " + Errno.describe(-fd));
        }
        long size = calls.size(fd);
        if (size < 0) {
            calls.close(fd);
            throw new IOException(path + ": its size could not be read: " + Errno.describe((int) -size));
        }
        return new NativeFile(calls, path, fd, size);
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

    /** {@code O_DIRECT} on Linux for {@code osArch}, which differs between x86-64 and arm64; empty if unknown. */
    static OptionalInt oDirectFlag(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> OptionalInt.of(0x4000); // 040000 octal
            case "aarch64", "arm64" -> OptionalInt.of(0x10000); // 0200000 octal
            default -> OptionalInt.empty();
        };
    }

    /**
     * {@code open}, {@code pread} and {@code close}, bound once (holder idiom). Empty where native
     * calls are off ({@code -Dripple.nativeio.disabled=true}), not Linux on x86-64 or aarch64, or
     * refused (no {@code --enable-native-access} where it is enforced); the reason is logged once
     * at INFO, and the readers then use a {@code FileChannel}.
     */
    static final class Calls {
        private static final int O_RDONLY = 0;
        private static final int O_CLOEXEC = 0x80000;

        private final MethodHandle open;
        private final MethodHandle pread;
        private final MethodHandle close;
        private final MethodHandle lseek;
        private final int oDirect;

        private static final int SEEK_END = 2;

        private Calls(MethodHandle open, MethodHandle pread, MethodHandle close, MethodHandle lseek, int oDirect) {
            this.open = open;
            this.pread = pread;
            this.close = close;
            this.lseek = lseek;
            this.oDirect = oDirect;
        }

        private static final class Holder {
            static final Optional<Calls> INSTANCE = bind(
                    System.getProperty("os.name", ""),
                    System.getProperty("os.arch", ""),
                    !Boolean.getBoolean(NativeAccess.DISABLED_PROPERTY));
        }

        /** The bound calls, or empty (reason logged once). */
        static Optional<Calls> get() {
            return Holder.INSTANCE;
        }

        @SuppressWarnings("restricted") // the positional and direct readers' binding; see the class comment
        static Optional<Calls> bind(String osName, String osArch, boolean enabled) {
            String refused;
            OptionalInt oDirect = oDirectFlag(osArch);
            if (!enabled) {
                refused = "disabled by -D" + NativeAccess.DISABLED_PROPERTY + "=true";
            } else if (!osName.toLowerCase(Locale.ROOT).startsWith("linux") || oDirect.isEmpty()) {
                refused = "implemented for Linux on x86-64 and aarch64 only (os.name=" + osName + ", os.arch=" + osArch
                        + ")";
            } else {
                try {
                    Linker linker = Linker.nativeLinker();
                    SymbolLookup libc = linker.defaultLookup();
                    Linker.Option errno = ErrnoCapture.OPTION;
                    MethodHandle open = linker.downcallHandle(
                            ErrnoCapture.find(libc, "open"),
                            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                            errno,
                            Linker.Option.firstVariadicArg(2));
                    MethodHandle pread = linker.downcallHandle(
                            ErrnoCapture.find(libc, "pread"),
                            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG),
                            errno);
                    MethodHandle close = linker.downcallHandle(
                            ErrnoCapture.find(libc, "close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
                    MethodHandle lseek = linker.downcallHandle(
                            ErrnoCapture.find(libc, "lseek"),
                            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT),
                            errno);
                    return Optional.of(new Calls(open, pread, close, lseek, oDirect.getAsInt()));
                } catch (RuntimeException | LinkageError e) {
                    refused =
                            "native calls could not be bound (" + e + "); run with --enable-native-access=ALL-UNNAMED";
                }
            }
            System.getLogger(NativeFile.class.getName())
                    .log(
                            System.Logger.Level.INFO,
                            "Native pread unavailable: " + refused
                                    + "; the pread and direct readers use a FileChannel, which an interrupt of a"
                                    + " reading thread closes for every thread");
            return Optional.empty();
        }

        /** {@code open(path, O_RDONLY|O_CLOEXEC[|O_DIRECT])}: a descriptor, or -errno. */
        int open(String path, boolean direct) {
            MemorySegment state = ErrnoCapture.state();
            try (Arena arena = Arena.ofConfined()) {
                int flags = O_RDONLY | O_CLOEXEC | (direct ? oDirect : 0);
                int fd = (int) open.invokeExact(state, arena.allocateFrom(path), flags, 0);
                return fd < 0 ? -ErrnoCapture.errno(state) : fd;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("open failed to run", t);
            }
        }

        /** {@code pread(fd, dst, dst.byteSize(), position)}: bytes read, or -errno. */
        long pread(int fd, MemorySegment dst, long position) {
            MemorySegment state = ErrnoCapture.state();
            try {
                long n = (long) pread.invokeExact(state, fd, dst, dst.byteSize(), position);
                return n < 0 ? -ErrnoCapture.errno(state) : n;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("pread failed to run", t);
            }
        }

        /** {@code lseek(fd, 0, SEEK_END)}: the size of the open file, or -errno. */
        long size(int fd) {
            MemorySegment state = ErrnoCapture.state();
            try {
                long end = (long) lseek.invokeExact(state, fd, 0L, SEEK_END);
                return end < 0 ? -ErrnoCapture.errno(state) : end;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("lseek failed to run", t);
            }
        }

        /** {@code close(fd)}: 0, or -errno. */
        int close(int fd) {
            MemorySegment state = ErrnoCapture.state();
            try {
                int rc = (int) close.invokeExact(state, fd);
                return rc < 0 ? -ErrnoCapture.errno(state) : rc;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("close failed to run", t);
            }
        }
    }
}
