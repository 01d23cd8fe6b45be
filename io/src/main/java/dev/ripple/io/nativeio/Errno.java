package dev.ripple.io.nativeio;

/**
 * Names of the Linux error numbers Ripple's native calls can meet (the generic numbering, x86-64 and
 * arm64), for messages such as {@code EIO (5)}.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;
    public static final int ENOSYS = 38;
    public static final int EOPNOTSUPP = 95;

    private Errno() {}

    public static String name(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 4 -> "EINTR";
            case 5 -> "EIO";
            case 9 -> "EBADF";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 14 -> "EFAULT";
            case 16 -> "EBUSY";
            case 22 -> "EINVAL";
            case 24 -> "EMFILE";
            case 29 -> "ESPIPE";
            case 38 -> "ENOSYS";
            case 61 -> "ENODATA";
            case 95 -> "EOPNOTSUPP";
            case 125 -> "ECANCELED";
            default -> "errno";
        };
    }

    /** The name and the number: {@code EIO (5)}. */
    public static String describe(int errno) {
        return name(errno) + " (" + errno + ")";
    }
}
