package dev.ripple.placement;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * What a checkpoint's files hold, in a short string: each file's name and size and a hash of its
 * content (all of it for a file up to 16 MiB, else its first 64 KiB, where safetensors and GGUF
 * keep their headers, and 64 blocks of 4 KiB spread evenly over the rest). An import records the
 * stamp of the checkpoint it was made from, and a trace the stamp of the weights it profiled, so
 * that a checkpoint written again in the same place (a fine-tune exported over the old one, {@code
 * ripple synth} with another seed, weights copied over with their old times kept by {@code cp -p})
 * is imported again and its old traces are refused. Hashing every byte would tell for sure at the
 * cost of reading gigabytes; the samples see any change that rewrites the weights (an export, a
 * fine-tune, a merge) and miss one confined to a few tensors between the samples, which profiling
 * again or {@code --trust-trace} settles. A file only touched (its time changed, not its bytes)
 * keeps its stamp.
 *
 * <p>Stamps recorded before content was hashed (2026-12-07: name, size and modification time) are
 * still compared by their own rule ({@link #unchangedSince}).
 *
 * <pre>{@code
 * String stamp = CheckpointStamp.of(Path.of("opt-125m"));   // "" when it cannot be read
 * boolean same = CheckpointStamp.unchangedSince(stamp, Path.of("opt-125m")).orElse(false);
 * }</pre>
 */
public final class CheckpointStamp {
    /** The prefix of stamps that hash content; stamps without it hashed modification times. */
    private static final String CONTENT = "c1:";

    static final long WHOLE_FILE_BYTES = 16L << 20;
    static final int HEAD_BYTES = 64 << 10;
    static final int SAMPLES = 64;
    static final int SAMPLE_BYTES = 4 << 10;

    private CheckpointStamp() {}

    /**
     * The stamp of {@code checkpoint} (a directory: the files an import reads, its weights
     * ({@code *.safetensors}, their index) and {@code config.json}; a GGUF file: the file), or the
     * empty string when it cannot be read. Other files (traces, models, notes written beside the
     * weights) do not change it.
     */
    public static String of(Path checkpoint) {
        try {
            List<Path> files = filesOf(checkpoint);
            CRC32C crc = new CRC32C();
            for (Path f : files) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                    long size = ch.size();
                    crc.update((f.getFileName() + "\t" + size + "\n").getBytes(StandardCharsets.UTF_8));
                    hashContent(ch, size, crc);
                }
            }
            return CONTENT + files.size() + "-" + HexFormat.of().toHexDigits((int) crc.getValue());
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * Whether {@code checkpoint} still holds what {@code recorded} (a stamp {@link #of} gave, now or
     * before 2026-12-07) was taken of; empty when the checkpoint cannot be read now.
     */
    public static Optional<Boolean> unchangedSince(String recorded, Path checkpoint) {
        String now = hashesContent(recorded) ? of(checkpoint) : byTimes(checkpoint);
        return now.isEmpty() ? Optional.empty() : Optional.of(now.equals(recorded));
    }

    /** Whether {@code stamp} hashes content (else it hashed modification times: a stamp of before 2026-12-07). */
    public static boolean hashesContent(String stamp) {
        return stamp.startsWith(CONTENT);
    }

    /** The files whose content is the checkpoint's weights, in name order. */
    private static List<Path> filesOf(Path checkpoint) throws IOException {
        if (!Files.isDirectory(checkpoint)) {
            return List.of(checkpoint);
        }
        try (Stream<Path> s = Files.list(checkpoint)) {
            return s.filter(Files::isRegularFile)
                    .filter(CheckpointStamp::isWeightsOrConfig)
                    .sorted()
                    .toList();
        }
    }

    private static void hashContent(FileChannel ch, long size, CRC32C crc) throws IOException {
        if (size <= WHOLE_FILE_BYTES) {
            hashRange(ch, 0, size, crc);
            return;
        }
        hashRange(ch, 0, HEAD_BYTES, crc);
        long span = size - HEAD_BYTES - SAMPLE_BYTES;
        for (int i = 0; i < SAMPLES; i++) {
            hashRange(ch, HEAD_BYTES + span * i / (SAMPLES - 1), SAMPLE_BYTES, crc);
        }
    }

    private static void hashRange(FileChannel ch, long from, long length, CRC32C crc) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(length, 1 << 20));
        long at = from;
        long end = from + length;
        while (at < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - at));
            int n = ch.read(buf, at);
            if (n < 0) {
                throw new IOException("the file ended at byte " + at + " while it was being read: it is being written");
            }
            at += n;
            crc.update(buf.flip());
        }
    }

    /** The stamps recorded before content was hashed: each file's name, size and modification time. */
    private static String byTimes(Path checkpoint) {
        try {
            List<Path> files = filesOf(checkpoint);
            CRC32C crc = new CRC32C();
            for (Path f : files) {
                String line = f.getFileName() + "\t" + Files.size(f) + "\t"
                        + Files.getLastModifiedTime(f).toMillis() + "\n";
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
            return files.size() + "-" + HexFormat.of().toHexDigits((int) crc.getValue());
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static boolean isWeightsOrConfig(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".")
                && (name.endsWith(".safetensors")
                        || name.endsWith(".safetensors.index.json")
                        || name.equals("config.json"));
    }
}
