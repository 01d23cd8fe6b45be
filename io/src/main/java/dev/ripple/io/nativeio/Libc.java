package dev.ripple.io.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.ripple.io.concurrent.PerThread;
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
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The binder every libc call of Ripple goes through: {@link NativeAccess}'s hints, the positional
 * and direct readers' {@code pread} ({@code NativeFile}) and the io_uring system calls
 * ({@code UringSyscalls}). It says once where native calls may be bound at all — Linux (and, for
 * io_uring, x86-64 or aarch64, whose {@code O_DIRECT} value this code knows), not turned off with {@code -Dripple.nativeio.disabled=true}, native access granted — finds libc's
 * symbols, makes downcalls that capture {@code errno} into a buffer of the calling thread's, and
 * binds the {@code open}, {@code close} and {@code lseek} (a descriptor's size) the readers share,
 * so each user declares only its own functions.
 *
 * <p>Each user binds separately ({@link #bind}), so that a symbol one of them lacks does not take
 * the others away, and logs the refusal once with what it means for its own callers.
 *
 * <p>Every call of this class returns what libc returned, or minus the error number when libc
 * reported a failure; callers never see a Java exception for an operating-system error.
 */
public final class Libc {

    /** System property that turns every native call off (for tests and for platforms that misbehave). */
    public static final String DISABLED_PROPERTY = "ripple.nativeio.disabled";

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000; // 02000000 octal, the same on x86-64 and aarch64

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    /**
     * One capture buffer per thread, so that a hot call allocates nothing; held by a {@link PerThread},
     * not a {@code ThreadLocal}, since the common pool clears its workers' thread-locals at every idle
     * gap and a read on such a worker then made a new auto arena (a Cleaner registration).
     */
    private static final PerThread<MemorySegment> STATE =
            PerThread.of(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    /**
     * Where to bind: this JVM's platform ({@link #current()}), or another one in tests.
     *
     * @param enabled false when native calls are turned off ({@value #DISABLED_PROPERTY})
     */
    public record Platform(String osName, String osArch, boolean enabled) {
        /** This JVM's {@code os.name} and {@code os.arch}, enabled unless {@value #DISABLED_PROPERTY} is true. */
        public static Platform current() {
            return new Platform(
                    System.getProperty("os.name", ""),
                    System.getProperty("os.arch", ""),
                    !Boolean.getBoolean(DISABLED_PROPERTY));
        }
    }

    /**
     * What binding a set of calls came to: the calls, or why there are none.
     *
     * @param calls   the bound calls, empty when refused
     * @param refusal why there are none (for the user's log line and messages), null when bound
     */
    public record Bound<T>(Optional<T> calls, String refusal) {
        public Bound {
            if (calls.isPresent() == (refusal != null)) {
                throw new IllegalArgumentException("a binding has calls or a refusal, not both or neither");
            }
        }

        public static <T> Bound<T> of(T calls) {
            return new Bound<>(Optional.of(calls), null);
        }

        public static <T> Bound<T> refused(String why) {
            return new Bound<>(Optional.empty(), why);
        }

        /** The calls; when there are none, logs the refusal at INFO followed by {@code consequence}. */
        public Optional<T> logged(System.Logger log, String what, String consequence) {
            if (refusal != null) {
                log.log(System.Logger.Level.INFO, what + " unavailable: " + refusal + "; " + consequence);
            }
            return calls;
        }
    }

    private final Linker linker = Linker.nativeLinker();
    private final SymbolLookup lookup = linker.defaultLookup();
    /** {@code O_DIRECT} on this architecture; empty where this code does not know its value. */
    private final OptionalInt oDirect;

    private final MethodHandle open;
    private final MethodHandle close;
    private final MethodHandle lseek;

    private static final int SEEK_END = 2;

    private Libc(OptionalInt oDirect) {
        this.oDirect = oDirect;
        this.open = errnoCall(
                "open",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        this.close = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        this.lseek = errnoCall("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    /**
     * Binds {@code calls} (a user's constructor, which binds its functions through the given
     * {@code Libc}) on {@code platform}; refused when native calls are off, on another OS, or when
     * the linker refuses (native access not granted, a missing symbol). Any Linux architecture: the
     * hints ({@link NativeAccess}) need no flag whose value differs between them, and an
     * {@code O_DIRECT} open where this code does not know the flag fails with EINVAL.
     */
    public static <T> Bound<T> bind(Platform platform, Function<Libc, T> calls) {
        if (!platform.enabled()) {
            return Bound.refused("disabled by -D" + DISABLED_PROPERTY + "=true");
        }
        if (!platform.osName().toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Bound.refused("native calls are implemented for Linux only (os.name=" + platform.osName() + ")");
        }
        try {
            return Bound.of(calls.apply(new Libc(oDirectFlag(platform.osArch()))));
        } catch (RuntimeException | LinkageError e) {
            // IllegalCallerException when native access is not granted, NoSuchElementException for a
            // missing symbol, UnsupportedOperationException on an ABI the linker does not support
            return Bound.refused(
                    "native calls could not be bound (" + e + "); run with --enable-native-access=ALL-UNNAMED");
        }
    }

    /**
     * As {@link #bind}, for calls that only make sense with {@code O_DIRECT} (the io_uring reader):
     * refused on an architecture whose {@code O_DIRECT} value this code does not know (it differs
     * between x86-64 and arm64, and again on others). The pread readers bind anywhere on Linux, so
     * that an interrupt cannot close their file; their {@code O_DIRECT} open fails there with EINVAL.
     */
    public static <T> Bound<T> bindWithDirectIo(Platform platform, Function<Libc, T> calls) {
        if (platform.enabled()
                && platform.osName().toLowerCase(Locale.ROOT).startsWith("linux")
                && oDirectFlag(platform.osArch()).isEmpty()) {
            return Bound.refused("O_DIRECT is known for x86-64 and aarch64 only (os.arch=" + platform.osArch() + ")");
        }
        return bind(platform, calls);
    }

    /** {@code O_DIRECT} on Linux for {@code osArch}, which differs between x86-64 and arm64; empty if unknown. */
    static OptionalInt oDirectFlag(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> OptionalInt.of(0x4000); // 040000 octal
            case "aarch64", "arm64" -> OptionalInt.of(0x10000); // 0200000 octal
            default -> OptionalInt.empty();
        };
    }

    /** The downcall to libc's {@code name}, which reports failure by its return value alone. */
    @SuppressWarnings("restricted") // Ripple's one binder of native code; see the class comment
    public MethodHandle call(String name, FunctionDescriptor function, Linker.Option... options) {
        return linker.downcallHandle(find(name), function, options);
    }

    /**
     * The downcall to libc's {@code name}, capturing {@code errno}: its first parameter is a capture
     * buffer ({@link #errnoState()}), then {@code function}'s.
     */
    @SuppressWarnings("restricted") // Ripple's one binder of native code; see the class comment
    public MethodHandle errnoCall(String name, FunctionDescriptor function, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = CAPTURE_ERRNO;
        System.arraycopy(options, 0, all, 1, options.length);
        return linker.downcallHandle(find(name), function, all);
    }

    private MemorySegment find(String name) {
        return lookup.find(name).orElseThrow(() -> new NoSuchElementException("libc symbol " + name));
    }

    /** The calling thread's capture buffer, to pass as an {@link #errnoCall}'s first argument. */
    public static MemorySegment errnoState() {
        return STATE.get();
    }

    /** The errno a failed {@link #errnoCall} left in {@code state}. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** {@code open(path, O_RDONLY|O_CLOEXEC[|O_DIRECT])}: a descriptor, or -errno. */
    public int openReadOnly(Path path, boolean direct) {
        MemorySegment state = errnoState();
        try (Arena arena = Arena.ofConfined()) {
            if (direct && oDirect.isEmpty()) {
                return -Errno
                        .EINVAL; // O_DIRECT's value is not known on this architecture (bindWithDirectIo refuses it)
            }
            int flags = O_RDONLY | O_CLOEXEC | (direct ? oDirect.getAsInt() : 0);
            int fd = (int) open.invokeExact(
                    state, arena.allocateFrom(path.toAbsolutePath().toString()), flags, 0);
            return fd < 0 ? -errno(state) : fd;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open failed to run", t);
        }
    }

    /** {@code close(fd)}: 0, or -errno. */
    public int close(int fd) {
        MemorySegment state = errnoState();
        try {
            int rc = (int) close.invokeExact(state, fd);
            return rc < 0 ? -errno(state) : rc;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("close failed to run", t);
        }
    }

    /**
     * {@code lseek(fd, 0, SEEK_END)}: the size of the open file, or -errno. A reader takes its size
     * from its own descriptor, not from the path: a file renamed over the path between the open and
     * a read of the size by path would give one file's size and another's bytes.
     */
    public long size(int fd) {
        MemorySegment state = errnoState();
        try {
            long end = (long) lseek.invokeExact(state, fd, 0L, SEEK_END);
            return end < 0 ? -errno(state) : end;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("lseek failed to run", t);
        }
    }
}
