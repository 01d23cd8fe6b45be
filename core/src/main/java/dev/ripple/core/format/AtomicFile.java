package dev.ripple.core.format;

import dev.ripple.io.IoErrorReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a file so that its destination is either the complete new file or untouched: the bytes
 * go to {@code .<name>.tmp-<pid>-<random>} in the destination's directory, which is forced to disk
 * and renamed over the destination in one atomic step, and the directory is forced too. A
 * destination that is a directory is refused before anything is written. A failed write (the body,
 * the forcing or the rename) deletes its temporary file, and so does a program that asked for it
 * ({@link #deleteUnfinishedWritesAtExit}, as the {@code ripple} command does) when it exits or is
 * stopped by a signal (Ctrl-C, SIGTERM) with the write in progress: the temporary file of a 7B model
 * is gigabytes, and a run with another destination would never clean it up. A process killed
 * outright (SIGKILL, a crash) can leave one behind, never a partial destination, and the next
 * successful write of the same destination deletes such
 * leftovers: files named exactly {@code .<name>.tmp-<pid>-<hex>} whose process is no longer running
 * on this machine and that were last modified before that write began. The process id, not the
 * file's age, tells a killed write from a busy one: a writer may pause for long between its writes,
 * or stage a file and publish it much later ({@link #stage}), and its file must stay. No file of
 * another name is touched.
 *
 * <pre>{@code
 * long size = AtomicFile.write(Path.of("model.ripple"), channel -> writeEverything(channel));
 * }</pre>
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Temporary files written or staged and not yet renamed or deleted: what an exit deletes. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    private static final AtomicBoolean CLEANS_UP_AT_EXIT = new AtomicBoolean();

    /**
     * Deletes, when the JVM exits or is stopped by a signal (Ctrl-C, SIGTERM), the temporary files of
     * the writes then in progress. For a command-line program (the {@code ripple} command calls it):
     * an application whose own shutdown hook waits for a write to finish must not call it, since the
     * hooks run at once and the write would lose its file. Idempotent.
     */
    public static void deleteUnfinishedWritesAtExit() {
        if (CLEANS_UP_AT_EXIT.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(AtomicFile::deleteInFlight, "ripple-atomic-file-cleanup"));
            } catch (IllegalStateException e) {
                // shutting down already: a leftover is removed by the destination's next write
            }
        }
    }

    private static void deleteInFlight() {
        for (Path temp : IN_FLIGHT) {
            try {
                Files.deleteIfExists(temp); // unlinked under a writer still running: its bytes go with it
            } catch (IOException | RuntimeException e) {
                // best effort at exit; the next write of the destination removes it
            }
        }
    }

    /**
     * How much older than the start of a write a leftover temporary file must be to be deleted: file
     * systems with coarse clocks (FAT's two seconds) round a busy writer's time down.
     */
    private static final long CLOCK_SLACK_MILLIS = 2_000;

    /** Fills the temporary file and returns how many bytes it wrote. */
    @FunctionalInterface
    public interface Body {
        long writeTo(FileChannel channel) throws IOException;
    }

    /** Writes {@code destination} atomically; returns what {@code body} returned. */
    public static long write(Path destination, Body body) throws IOException {
        long[] size = new long[1];
        Staged staged = stage(destination, ch -> size[0] = body.writeTo(ch));
        staged.publish();
        return size[0];
    }

    /** Writes {@code bytes} to {@code destination} atomically (a JSON report, a config). */
    public static void write(Path destination, byte[] bytes) throws IOException {
        write(destination, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            return bytes.length;
        });
    }

    /**
     * Refuses, before any work, a destination that {@link #write} would refuse after it: stages an
     * empty temporary file beside it and discards it, so that the refusal is the write's own
     * ("cannot be written: its directory refused a new file (permission denied)"), where a check of
     * the directory's mode would pass a root user in {@code /proc}. A missing directory is made, as the
     * write would make it, to try it, and deleted again (deepest first) whether the check passes or
     * not: a refused output must leave nothing behind, and the write makes it anew. Best effort: a
     * directory another writer has put a file into meanwhile stays.
     */
    public static void requireWritable(Path destination) throws IOException {
        List<Path> missing = new ArrayList<>(); // deepest first
        for (Path d = destination.toAbsolutePath().getParent(); d != null && !Files.exists(d); d = d.getParent()) {
            missing.add(d);
        }
        try {
            stage(destination, ch -> 0).discard();
        } finally {
            deleteEmpty(missing);
        }
    }

    /** Deletes {@code dirs} in order while each is an empty directory; stops at the first that is not. */
    private static void deleteEmpty(List<Path> dirs) {
        for (Path d : dirs) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException e) {
                return; // not empty (another writer's file) or not ours to delete: its parents are not empty either
            }
        }
    }

    /**
     * A file written and forced under its temporary name, not yet renamed over its destination: a
     * writer of several files (a checkpoint's shards and its config) stages them all, then
     * publishes them in the order a reader must see them, or discards them all.
     */
    public record Staged(Path temp, Path target, FileTime started) {
        /**
         * Renames the temporary file over the destination atomically and forces the directory, then
         * deletes the temporary files a killed earlier write of the destination left. A failed rename
         * (the destination became a directory, say) deletes the temporary file before it throws.
         */
        public void publish() throws IOException {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                IN_FLIGHT.remove(temp);
            } catch (AtomicMoveNotSupportedException e) {
                discard();
                throw new IOException(
                        target + ": the file system cannot rename atomically; refusing a non-atomic write", e);
            } catch (IOException | RuntimeException | Error e) {
                discard();
                throw e;
            }
            forceDirectory(target.getParent());
            removeLeftovers(target, started);
        }

        /** Deletes the temporary file (best effort: a leftover hidden temporary file is harmless). */
        public void discard() {
            try {
                Files.deleteIfExists(temp);
                IN_FLIGHT.remove(temp);
            } catch (IOException ignored) {
                // nothing else to do; the destination is untouched (and the exit tries again)
            }
        }
    }

    /** Writes {@code body} to a temporary file beside {@code destination} and forces it; a failure leaves nothing behind. */
    public static Staged stage(Path destination, Body body) throws IOException {
        Path target = destination.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new FileSystemException(target.toString(), null, "is a directory; give a file name");
        }
        Path dir = target.getParent();
        createDirectories(dir);
        FileTime started = FileTime.fromMillis(System.currentTimeMillis() - CLOCK_SLACK_MILLIS);
        Path tmp = dir.resolve(tempPrefix(target) + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Staged staged = new Staged(tmp, target, started);
        IN_FLIGHT.add(tmp);
        try (FileChannel ch = openTemp(tmp, target)) {
            body.writeTo(ch);
            ch.force(true);
        } catch (IOException | RuntimeException | Error e) {
            staged.discard();
            throw e;
        }
        return staged;
    }

    /**
     * Creates the temporary file, a refusal told of {@code target}: the user named the destination,
     * not the hidden temporary file beside it ({@code /proc/x.ripple} said "/proc/.x.ripple.tmp-…:
     * no such file or directory").
     */
    private static FileChannel openTemp(Path tmp, Path target) throws IOException {
        try {
            return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileSystemException e) {
            String why = IoErrorReason.of(e);
            FileSystemException told = new FileSystemException(
                    target.toString(), null, "cannot be written: its directory refused a new file (" + why + ")");
            told.initCause(e);
            throw told;
        }
    }

    /** The start of the name of every temporary file of {@code target}; the writer's pid and a random hex number follow. */
    private static String tempPrefix(Path target) {
        return "." + target.getFileName() + ".tmp-";
    }

    /** As {@link Files#createDirectories}, a file in the way told as "not a directory", naming that file. */
    private static void createDirectories(Path dir) throws IOException {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new NotDirectoryException(existing.toString());
        }
        Files.createDirectories(dir);
    }

    /**
     * Deletes the regular files beside {@code target} named exactly as its temporary files are,
     * whose writing process has ended and that were last modified before {@code before}: what a
     * killed write left. Best effort: the new file is already in place, and a leftover that cannot
     * be deleted is harmless.
     */
    private static void removeLeftovers(Path target, FileTime before) {
        Pattern name = Pattern.compile(Pattern.quote(tempPrefix(target)) + "([0-9]{1,18})-[0-9a-f]{1,16}");
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(
                target.getParent(),
                p -> name.matcher(p.getFileName().toString()).matches())) {
            for (Path leftover : siblings) {
                Matcher m = name.matcher(leftover.getFileName().toString());
                if (m.matches()
                        && !running(Long.parseLong(m.group(1)))
                        && Files.isRegularFile(leftover, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(leftover, LinkOption.NOFOLLOW_LINKS)
                                        .compareTo(before)
                                < 0) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException | DirectoryIteratorException ignored) {
            // the write itself succeeded; a leftover hidden temporary file is harmless
        }
    }

    /** Whether process {@code pid} runs on this machine (a reused pid keeps a leftover: harmless). */
    private static boolean running(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Makes the rename durable; some file systems refuse to open directories, which is harmless. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not every platform allows fsync on a directory; the data itself is already forced.
        }
    }
}
