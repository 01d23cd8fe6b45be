package dev.ripple.bench.cli;

import dev.ripple.io.IoErrorReason;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.util.Objects;

/**
 * A file-system failure as one line a user can act on: {@code <file>: <reason>}. The JDK's
 * {@link FileSystemException}s often carry only the path as their message (a {@link
 * FileAlreadyExistsException} says "tiny-opt.ripple" and nothing else), so the reason is taken from
 * the exception's type when the operating system gave none. File names are printed on one line
 * ({@link RippleCommand#printable}): a newline in a path must not split the error.
 */
final class FileErrors {
    private FileErrors() {}

    /**
     * The file-system failure {@code t} stands for, when it is one or only wraps one (an {@code
     * UncheckedIOException}, an {@code ExecutionException}, {@code TaskFailure}'s {@code
     * IllegalStateException}: wrappers whose message adds nothing to their cause's); else null.
     */
    static FileSystemException underlying(Throwable t) {
        Throwable at = t;
        while (!(at instanceof FileSystemException) && at.getCause() != null && addsNothing(at, at.getCause())) {
            at = at.getCause();
        }
        return at instanceof FileSystemException e ? e : null;
    }

    /** {@code "<file>: <reason>"}, or {@code "<file> -> <other>: <reason>"} for a move or a link. */
    static String describe(FileSystemException e) {
        String where = RippleCommand.printable(e.getFile());
        if (e.getOtherFile() != null) {
            where += " -> " + RippleCommand.printable(e.getOtherFile());
        }
        return where.isEmpty() ? IoErrorReason.of(e) : where + ": " + IoErrorReason.of(e);
    }

    private static boolean addsNothing(Throwable wrapper, Throwable cause) {
        String m = wrapper.getMessage();
        return m == null
                || m.equals(cause.toString())
                || Objects.equals(m, cause.getMessage())
                || m.equals(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
}
