package dev.ripple.io;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * Why an I/O operation failed, in the words a one-line error needs: what the operating system said
 * ("Is a directory"), or what the exception's type means when it said nothing (the JDK's {@link
 * FileSystemException}s often carry only the path: a {@link NoSuchFileException}'s message is the
 * file's name). Never the exception's class name in front ("java.io.IOException: ..."), which told
 * users nothing; the class's simple name only when there is nothing else.
 *
 * <pre>{@code
 * catch (IOException e) { throw new DeviceProfileException(file, "cannot be read (" + IoErrorReason.of(e) + ")", e); }
 * }</pre>
 */
public final class IoErrorReason {
    private IoErrorReason() {}

    public static String of(Throwable t) {
        if (t instanceof FileSystemException e) {
            return of(e);
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    /** What the operating system said, or what the exception's type means. */
    public static String of(FileSystemException e) {
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
}
