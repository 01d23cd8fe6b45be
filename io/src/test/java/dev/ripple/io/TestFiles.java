package dev.ripple.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Test files on the real disk. {@code target/} is on the project's file system, which supports
 * O_DIRECT; {@code /tmp} may be a tmpfs elsewhere, which would make direct-I/O tests meaningless.
 */
public final class TestFiles {

    private TestFiles() {}

    /** A fresh directory under {@code target/test-files}. */
    public static Path newDirectory(String prefix) throws IOException {
        Path base = Path.of("target", "test-files").toAbsolutePath();
        Files.createDirectories(base);
        return Files.createTempDirectory(base, prefix);
    }

    /** Deletes {@code dir} and everything under it. */
    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code size} pseudo-random bytes from {@code seed}. */
    public static byte[] pattern(long seed, int size) {
        byte[] bytes = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    /** Writes {@code bytes} to {@code file} and forces them to the device. */
    public static Path write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        try (var channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        return file;
    }

    /** The seed for randomized tests: {@code -Dtests.seed=...} to reproduce, otherwise fresh. */
    public static long seed() {
        Long fixed = Long.getLong("tests.seed");
        return fixed != null ? fixed : new SplittableRandom().nextLong();
    }
}
