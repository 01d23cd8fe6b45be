package dev.ripple.bench.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
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
        return where.isEmpty() ? reason(e) : where + ": " + reason(e);
    }

    /** What the operating system said, or what the exception's type means. */
    static String reason(FileSystemException e) {
        if (e.getReason() != null && !e.getReason().isBlank()) {
            return e.getReason();
        }
        return switch (e) {
            case NoSuchFileException x -> "no such file or directory";
            case FileAlreadyExistsException x -> "already exists";
            case NotDirectoryException x -> "not a directory";
            case AccessDeniedException x -> "permission denied";
            case DirectoryNotEmptyException x -> "directory not empty";
            case NotLinkException x -> "not a symbolic link";
            case FileSystemLoopException x -> "a loop of symbolic links";
            default -> "file system error (" + e.getClass().getSimpleName() + ")";
        };
    }

    private static boolean addsNothing(Throwable wrapper, Throwable cause) {
        String m = wrapper.getMessage();
        return m == null
                || m.equals(cause.toString())
                || Objects.equals(m, cause.getMessage())
                || m.equals(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
}
