package dev.ripple.placement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * What a checkpoint's files were when a trace was recorded on it: each file's name, size and
 * modification time, hashed. A placement compares it with the checkpoint as it is now, so that a
 * trace of a checkpoint since written again in the same place (a fine-tune exported over the old
 * one, {@code ripple synth} with another seed) is not taken for a trace of the new weights. Reading
 * the weights would tell for sure, at the cost of reading gigabytes; a file touched without change
 * is refused as changed, which profiling again or {@code --trust-trace} settles. The stamp is taken
 * from the checkpoint when it is profiled, so weights copied over the old ones with their old times
 * kept ({@code cp -p}) into an import that was then reused go unnoticed.
 *
 * <pre>{@code
 * String stamp = CheckpointStamp.of(Path.of("opt-125m"));   // "" when it cannot be read
 * }</pre>
 */
public final class CheckpointStamp {
    private CheckpointStamp() {}

    /**
     * The stamp of {@code checkpoint} (a directory: the files an import reads, its weights
     * ({@code *.safetensors}, their index) and {@code config.json}; a GGUF file: the file), or the
     * empty string when it cannot be read. Other files (traces, models, notes written beside the
     * weights) do not change it.
     */
    public static String of(Path checkpoint) {
        try {
            List<Path> files;
            if (Files.isDirectory(checkpoint)) {
                try (Stream<Path> s = Files.list(checkpoint)) {
                    files = s.filter(Files::isRegularFile)
                            .filter(CheckpointStamp::isWeightsOrConfig)
                            .sorted()
                            .toList();
                }
            } else {
                files = List.of(checkpoint);
            }
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
