package dev.ripple.core.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way an atomic write can fail leaves the destination as it was and no temporary file behind. */
class AtomicFileTest {

    @TempDir
    Path dir;

    /**
     * A directory that refuses new files (/proc, on the Linux this runs on) is told of the
     * destination the caller named, not of the hidden temporary file beside it.
     */
    @Test
    void aRefusedWriteNamesTheDestinationNotTheTemporaryFile() {
        Path target = Path.of("/proc/ripple-atomic-test.ripple");
        FileSystemException e = assertThrows(
                FileSystemException.class,
                () -> AtomicFile.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[1]))));
        assertEquals(target.toString(), e.getFile());
        assertTrue(e.getMessage().contains("cannot be written: its directory refused a new file ("), e.getMessage());
        assertFalse(e.getMessage().contains(".tmp-"), e.getMessage());
    }

    /**
     * The up-front check makes the missing directories to try them, and deletes them again: a
     * command refused after it ({@code profile --out nd/sub/t.rtrace} of a blank text) left {@code
     * nd/sub} behind. Directories that were there stay.
     */
    @Test
    void requireWritableLeavesNoDirectoryItMade() throws IOException {
        Files.createDirectory(dir.resolve("there"));
        AtomicFile.requireWritable(
                dir.resolve("there").resolve("nd").resolve("sub").resolve("t.rtrace"));
        assertEquals(List.of("there"), names(dir));
        assertEquals(List.of(), names(dir.resolve("there")));

        Path keep = Files.createDirectories(dir.resolve("a").resolve("b"));
        Files.writeString(dir.resolve("a").resolve("other.txt"), "x");
        AtomicFile.requireWritable(keep.resolve("c").resolve("t.json"));
        assertEquals(List.of(), names(keep), "only what it made is deleted");
        assertEquals(List.of("b", "other.txt"), names(dir.resolve("a")));
    }

    @Test
    void aDirectoryAsTheDestinationIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path outdir = Files.createDirectory(dir.resolve("outdir"));
        boolean[] bodyRan = {false};
        FileSystemException e = assertThrows(
                FileSystemException.class,
                () -> AtomicFile.write(outdir, ch -> {
                    bodyRan[0] = true;
                    return 0;
                }));
        assertEquals(outdir.toAbsolutePath().toString(), e.getFile());
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertFalse(bodyRan[0], "the body ran before the destination was checked");
        assertEquals(List.of("outdir"), names(dir));
        assertEquals(List.of(), names(outdir));
    }

    @Test
    void aFailedRenameDeletesTheTemporaryFile() throws IOException {
        Path target = dir.resolve("report.json");
        AtomicFile.Staged staged = AtomicFile.stage(target, ch -> ch.write(java.nio.ByteBuffer.wrap(new byte[] {1})));
        assertTrue(Files.exists(staged.temp()));
        Files.createDirectory(target); // the destination became a directory while the body ran
        Files.writeString(target.resolve("keep"), "x"); // a non-empty one, which a rename cannot replace
        assertThrows(IOException.class, staged::publish);
        assertFalse(Files.exists(staged.temp()), "the temporary file was left behind");
        assertEquals(List.of("report.json"), names(dir));
    }

    @Test
    void aFailingBodyDeletesTheTemporaryFileAndKeepsTheOldDestination() throws IOException {
        Path target = dir.resolve("model.ripple");
        Files.writeString(target, "old");
        assertThrows(
                IOException.class,
                () -> AtomicFile.write(target, ch -> {
                    ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
                    throw new IOException("disk full");
                }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("model.ripple"), names(dir));
    }

    @Test
    void aParentThatIsAFileIsToldAsNotADirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        NotDirectoryException e = assertThrows(
                NotDirectoryException.class, () -> AtomicFile.write(file.resolve("sub/out.json"), new byte[] {1}));
        assertEquals(file.toAbsolutePath().toString(), e.getFile());
        assertEquals(List.of("plain"), names(dir));
    }

    @Test
    void aLaterWriteDeletesTheStaleTemporaryFilesOfItsDestinationOnly() throws IOException {
        FileTime hourAgo = FileTime.from(Instant.now().minusSeconds(3600));
        long me = ProcessHandle.current().pid();
        // no process has this id: pids stay below the kernel's pid_max (at most 2^22 on Linux)
        Path killed = old(dir.resolve(".model.safetensors.tmp-" + NO_SUCH_PID + "-7c7e0a1b2c3d4e5f"), hourAgo);
        // a writer of this process that staged its file an hour ago and has not published it yet
        Path staged = old(dir.resolve(".model.safetensors.tmp-" + me + "-1234"), hourAgo);
        Path otherName = old(dir.resolve(".config.json.tmp-" + NO_SUCH_PID + "-7c7e"), hourAgo);
        Path notOurPattern = old(dir.resolve(".model.safetensors.tmp-backup"), hourAgo);
        Path withoutPid = old(dir.resolve(".model.safetensors.tmp-7c7e0a1b"), hourAgo);
        Path userFile = old(dir.resolve("model.safetensors.tmp-" + NO_SUCH_PID + "-7c7e"), hourAgo);

        AtomicFile.write(dir.resolve("model.safetensors"), "new".getBytes(StandardCharsets.UTF_8));

        assertFalse(Files.exists(killed), "the killed write's leftover stayed");
        for (Path kept : List.of(staged, otherName, notOurPattern, withoutPid, userFile)) {
            assertTrue(Files.exists(kept), kept + " was deleted");
        }
        assertArrayEquals("new".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(dir.resolve("model.safetensors")));
    }

    /** A process id no process has: Linux keeps pids below pid_max, at most 2^22. */
    static final long NO_SUCH_PID = 999_999_999L;

    private static Path old(Path file, FileTime time) throws IOException {
        Files.writeString(file, "partial");
        Files.setLastModifiedTime(file, time);
        return file;
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
