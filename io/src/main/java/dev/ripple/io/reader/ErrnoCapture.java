package dev.ripple.io.reader;

import dev.ripple.io.concurrent.PerThread;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.VarHandle;
import java.util.NoSuchElementException;

/**
 * What the readers' libc downcalls share ({@link NativeFile}'s pread, {@link UringSyscalls}'
 * io_uring calls): errno captured by the linker into a buffer of the calling thread's, and libc's
 * symbols. One buffer per thread, so that a hot call allocates nothing; held by a {@link PerThread},
 * not a {@code ThreadLocal}, since the common pool clears its workers' thread-locals at every idle
 * gap and a read on such a worker then made a new auto arena (a Cleaner registration).
 */
final class ErrnoCapture {
    private ErrnoCapture() {}

    /** The linker option every downcall that reports errno is bound with. */
    static final Linker.Option OPTION = Linker.Option.captureCallState("errno");

    private static final StructLayout LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final PerThread<MemorySegment> STATE =
            PerThread.of(() -> Arena.ofAuto().allocate(LAYOUT));

    /** The calling thread's capture buffer, passed as a downcall's first argument. */
    static MemorySegment state() {
        return STATE.get();
    }

    /** The errno a failed downcall left in {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** The libc symbol {@code name}; a missing one fails the binding. */
    static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new NoSuchElementException("libc symbol " + name));
    }
}
