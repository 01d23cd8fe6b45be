package dev.ripple.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.RippleFile;
import dev.ripple.placement.text.TextCorpus;
import dev.ripple.placement.trace.TraceFiles;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader given a directory says so, naming it: Linux opens a directory for reading and only the
 * first read fails, with "Is a directory" and no file name, which a command line printed as it was.
 */
class DirectoryInputsTest {

    @TempDir
    Path dir;

    @Test
    void eachReaderRefusesADirectoryNamingIt() {
        assertNamesTheDirectory(() -> RippleFile.open(dir).close(), "not a .ripple file");
        assertNamesTheDirectory(() -> TraceFiles.read(dir), "not a trace file");
        assertNamesTheDirectory(() -> TextCorpus.read(dir, 10), "not a text file");
    }

    private void assertNamesTheDirectory(Executable read, String what) {
        FileSystemException e = assertThrows(FileSystemException.class, read);
        assertEquals(dir.toString(), e.getFile());
        assertTrue(e.getReason().contains("is a directory") && e.getReason().contains(what), e.getReason());
    }
}
