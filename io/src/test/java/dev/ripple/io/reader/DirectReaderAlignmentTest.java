package dev.ripple.io.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ripple.io.Extent;
import dev.ripple.io.PatternFile;
import dev.ripple.io.ReadStats;
import dev.ripple.io.TestFiles;
import dev.ripple.io.nativeio.Advice;
import dev.ripple.io.nativeio.NativeAccess;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What only the direct reader (alignment accounting, refusal on tmpfs) and the mmap reader (advice) promise. */
class DirectReaderAlignmentTest {

    static final int SIZE = 3 * 4096 + 100;
    static final long SEED = TestFiles.seed();

    @RegisterExtension
    static final PatternFile PATTERN = new PatternFile("direct", SIZE, SEED);

    @Test
    void bytesReadCountTheEnclosingAlignedRangeTruncatedAtEndOfFile() throws IOException {
        try (DirectReader reader = DirectReader.open(PATTERN.path(), 1);
                Arena arena = Arena.ofConfined()) {
            // [4090, 4110) spans two pages: 8192 bytes read.
            ReadStats crossing = reader.read(new Extent(4090, 20), arena.allocate(20));
            assertEquals(8192, crossing.bytesRead(), "seed=" + SEED);
            assertEquals(1, crossing.operations());
            // The last 50 bytes: aligned range [12288, 16384), of which the kernel returns the 100 bytes up to EOF.
            MemorySegment tail = arena.allocate(50);
            ReadStats atEnd = reader.read(new Extent(SIZE - 50, 50), tail);
            assertEquals(100, atEnd.bytesRead());
            assertArrayEquals(
                    Arrays.copyOfRange(PATTERN.bytes(), SIZE - 50, SIZE),
                    tail.toArray(ValueLayout.JAVA_BYTE),
                    "seed=" + SEED);
        }
    }

    @Test
    void alignedExtentIntoAlignedTargetIsReadWithoutBounceBuffer() throws IOException {
        try (DirectReader reader = DirectReader.open(PATTERN.path(), 1);
                Arena arena = Arena.ofConfined()) {
            MemorySegment target = arena.allocate(8192, DirectReader.ALIGNMENT);
            ReadStats stats = reader.read(new Extent(4096, 8192), target);
            assertEquals(8192, stats.bytesRead());
            assertArrayEquals(
                    Arrays.copyOfRange(PATTERN.bytes(), 4096, 4096 + 8192),
                    target.toArray(ValueLayout.JAVA_BYTE),
                    "seed=" + SEED);
        }
    }

    @Test
    void tmpfsRefusesDirectIoLoudly() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(
                Files.isDirectory(shm)
                        && Files.isWritable(shm)
                        && "tmpfs".equals(Files.getFileStore(shm).type()),
                "needs a writable tmpfs at /dev/shm");
        Path onTmpfs = Files.createTempFile(shm, "ripple-direct", ".bin");
        try {
            Files.write(onTmpfs, new byte[8192]);
            DirectIoUnsupportedException e =
                    assertThrows(DirectIoUnsupportedException.class, () -> DirectReader.open(onTmpfs, 1));
            assertEquals("tmpfs", e.fileSystemType());
            assertTrue(
                    e.getMessage().contains(onTmpfs.toString())
                            && e.getMessage().contains("O_DIRECT"),
                    e.getMessage());
            assertFalse(
                    e.getMessage().contains("java.io."),
                    "the one-line error says why, not the cause's class name: " + e.getMessage());
        } finally {
            Files.deleteIfExists(onTmpfs);
        }
    }

    @Test
    void missingFileIsNotReportedAsDirectIoRefusal() {
        IOException e = assertThrows(
                IOException.class, () -> DirectReader.open(PATTERN.dir().resolve("missing.bin"), 1));
        assertTrue(!(e instanceof DirectIoUnsupportedException), e.toString());
    }

    @Test
    void mmapReaderAppliesRandomAdviceOnLinux() throws IOException {
        assumeTrue(NativeAccess.get().isPresent(), "native calls unavailable or disabled here");
        try (MmapReader reader = MmapReader.open(PATTERN.path(), 1)) {
            assertEquals(Advice.RANDOM, reader.advice());
            assertTrue(reader.adviceApplied(), reader.describe());
        }
        try (MmapReader reader = MmapReader.open(PATTERN.path(), 1, Advice.SEQUENTIAL);
                Arena arena = Arena.ofConfined()) {
            MemorySegment target = arena.allocate(SIZE);
            reader.read(List.of(new Extent(0, SIZE)), List.of(target));
            assertArrayEquals(PATTERN.bytes(), target.toArray(ValueLayout.JAVA_BYTE), "seed=" + SEED);
        }
    }

    @Test
    void readerKindsOpenTheirImplementation() throws IOException {
        for (ReaderKind kind : ReaderKind.values()) {
            try (ExtentReader reader = kind.open(PATTERN.path(), 2)) {
                assertEquals(SIZE, reader.fileSize(), kind.name());
            }
        }
        assertTrue(ReaderKind.MMAP.usesPageCache() && !ReaderKind.DIRECT.usesPageCache());
    }
}
