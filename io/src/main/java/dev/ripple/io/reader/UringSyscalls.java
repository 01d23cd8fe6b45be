package dev.ripple.io.reader;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.ripple.io.nativeio.Errno;
import dev.ripple.io.nativeio.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The system calls an io_uring needs, as the one package-private choke point of the io_uring
 * reader: {@code io_uring_setup}, {@code io_uring_enter} and {@code io_uring_register} through
 * libc's {@code syscall(2)} (no liburing, nothing to compile), plus {@code mmap}, {@code munmap},
 * and {@link Libc}'s {@code open} with {@code O_DIRECT} and {@code close}. Every call returns what
 * the kernel returned, or minus the error number, so callers never see a Java exception for an
 * operating-system error.
 *
 * <p>{@link #get()} binds the calls once (holder idiom) and then probes the kernel by setting up a
 * two-entry ring: it is empty — with the reason in {@link #unavailableReason()}, logged once at
 * INFO — where {@link Libc} refuses (not Linux on x86-64 or aarch64, no
 * {@code --enable-native-access}, {@code -Dripple.nativeio.disabled=true}), with
 * {@code -Dripple.iouring.disabled=true}, on kernels older than 5.6 ({@code IORING_OP_READ}), and
 * where the kernel or a seccomp filter refuses io_uring (Android's app sandbox,
 * {@code kernel.io_uring_disabled}, containers' default profiles).
 */
interface UringSyscalls {

    /** System property that turns io_uring off (the readers then fall back to the thread-pool direct reader). */
    String DISABLED_PROPERTY = "ripple.iouring.disabled";

    /** {@code io_uring_setup(entries, params)}: the ring's file descriptor, or -errno. */
    int setup(int entries, MemorySegment params);

    /** {@code io_uring_enter(fd, toSubmit, minComplete, flags, NULL, 0)}: SQEs consumed, or -errno. */
    int enter(int fd, int toSubmit, int minComplete, int flags);

    /** {@code io_uring_register(fd, opcode, arg, nrArgs)}: 0 or a count, or -errno. */
    int register(int fd, int opcode, MemorySegment arg, int nrArgs);

    /** {@code mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_POPULATE, fd, offset)}: the address, or -errno. */
    long mmap(long length, int fd, long offset);

    /** {@code munmap(address, length)}: 0 or -errno. */
    int munmap(long address, long length);

    /** {@code open(path, O_RDONLY|O_DIRECT|O_CLOEXEC)}: a descriptor, or -errno. */
    int openDirect(Path path);

    /** {@code close(fd)}: 0 or -errno. */
    int close(int fd);

    /** {@code lseek(fd, 0, SEEK_END)}: the size of the open file, or -errno. */
    long size(int fd);

    /** The bound calls if io_uring works on this machine, else empty (see {@link #unavailableReason()}). */
    static Optional<UringSyscalls> get() {
        return Holder.INSTANCE.calls();
    }

    /** Why io_uring is unavailable, or empty when it is available. */
    static Optional<String> unavailableReason() {
        return Optional.ofNullable(Holder.INSTANCE.refusal());
    }

    final class Holder {
        static final Libc.Bound<UringSyscalls> INSTANCE =
                log(bind(Libc.Platform.current(), !Boolean.getBoolean(DISABLED_PROPERTY)));

        private Holder() {}

        private static Libc.Bound<UringSyscalls> log(Libc.Bound<UringSyscalls> b) {
            b.logged(
                    System.getLogger(UringSyscalls.class.getName()),
                    "io_uring",
                    "the io_uring reader falls back to the thread-pool direct reader");
            return b;
        }
    }

    /**
     * Binds for {@code platform} and probes the kernel; package-private so tests exercise every
     * refusal (another OS, native calls or io_uring disabled, a kernel or sandbox that refuses the
     * ring).
     *
     * @param enabled false when io_uring alone is turned off ({@value #DISABLED_PROPERTY})
     */
    static Libc.Bound<UringSyscalls> bind(Libc.Platform platform, boolean enabled) {
        if (!enabled) {
            return Libc.Bound.refused("disabled by -D" + DISABLED_PROPERTY + "=true");
        }
        Libc.Bound<UringSyscalls> bound = Libc.bindWithDirectIo(platform, Ffm::new);
        return bound.calls().map(UringSyscalls::probe).orElse(bound);
    }

    /** Sets up and closes a two-entry ring: empty with the reason when the kernel refuses or is too old. */
    static Libc.Bound<UringSyscalls> probe(UringSyscalls calls) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(Ring.PARAMS_BYTES, 8);
            int fd = calls.setup(2, params);
            if (fd < 0) {
                String why = switch (-fd) {
                    case Errno.ENOSYS -> "the kernel has no io_uring (ENOSYS: older than 5.1, or compiled without it)";
                    case Errno.EPERM ->
                        "io_uring_setup refused (EPERM: a seccomp filter such as Android's app sandbox,"
                                + " or kernel.io_uring_disabled)";
                    default -> "io_uring_setup failed: " + Errno.describe(-fd);
                };
                return Libc.Bound.refused(why);
            }
            int features = params.get(JAVA_INT, Ring.PARAMS_FEATURES);
            calls.close(fd);
            if ((features & Ring.REQUIRED_FEATURES) != Ring.REQUIRED_FEATURES) {
                return Libc.Bound.refused("kernel too old for the io_uring reader (features 0x"
                        + Integer.toHexString(features) + "; Linux 5.6 or newer is needed for IORING_OP_READ)");
            }
            return Libc.Bound.of(calls);
        }
    }

    /** The calls bound through the FFM linker. */
    final class Ffm implements UringSyscalls {
        private static final long SYS_IO_URING_SETUP = 425; // the same on x86-64 and arm64 (unified numbers)
        private static final long SYS_IO_URING_ENTER = 426;
        private static final long SYS_IO_URING_REGISTER = 427;
        private static final int PROT_READ_WRITE = 0x1 | 0x2;
        private static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;

        private final Libc libc;
        private final MethodHandle syscall;
        private final MethodHandle mmap;
        private final MethodHandle munmap;

        private Ffm(Libc libc) {
            this.libc = libc;
            // long syscall(long number, ...): the six arguments passed as longs, as the kernel reads them
            this.syscall = libc.errnoCall(
                    "syscall",
                    FunctionDescriptor.of(
                            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                    Linker.Option.firstVariadicArg(1));
            this.mmap = libc.errnoCall(
                    "mmap",
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
            this.munmap = libc.errnoCall("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        }

        private long sys(long number, long a, long b, long c, long d, long e, long f) {
            MemorySegment state = Libc.errnoState();
            try {
                long rc = (long) syscall.invokeExact(state, number, a, b, c, d, e, f);
                return rc == -1 ? -Libc.errno(state) : rc;
            } catch (RuntimeException | Error t) {
                throw t;
            } catch (Throwable t) {
                throw new IllegalStateException("syscall " + number + " failed to run", t);
            }
        }

        @Override
        public int setup(int entries, MemorySegment params) {
            return (int) sys(SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
        }

        @Override
        public int enter(int fd, int toSubmit, int minComplete, int flags) {
            return (int) sys(SYS_IO_URING_ENTER, fd, toSubmit, minComplete, flags, 0, 0);
        }

        @Override
        public int register(int fd, int opcode, MemorySegment arg, int nrArgs) {
            return (int) sys(SYS_IO_URING_REGISTER, fd, opcode, arg.address(), nrArgs, 0, 0);
        }

        @Override
        public long mmap(long length, int fd, long offset) {
            return call("mmap", state ->
                    (long) mmap.invokeExact(state, 0L, length, PROT_READ_WRITE, MAP_SHARED_POPULATE, fd, offset));
        }

        @Override
        public int munmap(long address, long length) {
            return (int) call("munmap", state -> (int) munmap.invokeExact(state, address, length));
        }

        @Override
        public int openDirect(Path path) {
            return libc.openReadOnly(path, true);
        }

        @Override
        public int close(int fd) {
            return libc.close(fd);
        }

        @Override
        public long size(int fd) {
            return libc.size(fd);
        }

        /** A downcall that captures errno into {@code state}. */
        @FunctionalInterface
        private interface Downcall {
            long invoke(MemorySegment state) throws Throwable;
        }

        /**
         * Runs a libc call of the cold path and returns its result, or minus errno when it returns -1
         * (the hot {@link #sys} does the same without the lambda's allocation).
         */
        private static long call(String name, Downcall downcall) {
            MemorySegment state = Libc.errnoState();
            try {
                long rc = downcall.invoke(state);
                return rc == -1 ? -Libc.errno(state) : rc;
            } catch (RuntimeException | Error t) {
                throw t;
            } catch (Throwable t) {
                throw new IllegalStateException(name + " failed to run", t);
            }
        }
    }
}
