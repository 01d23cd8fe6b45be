package dev.ripple.placement;

import dev.ripple.placement.profile.DecoderProfiler;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileProgress;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.trace.ActivationTrace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/** What the tests of checkpoint stamps share: old stamps, weights copied over, short traces. */
public final class StampedCheckpoints {
    private StampedCheckpoints() {}

    /**
     * The stamp as recorded before 2026-12-07 (the format traces of then hold) of a checkpoint whose
     * weights and config are {@code files}, given in name order.
     */
    public static String byTimes(Path... files) throws IOException {
        CRC32C crc = new CRC32C();
        for (Path f : files) {
            String line = f.getFileName() + "\t" + Files.size(f) + "\t"
                    + Files.getLastModifiedTime(f).toMillis() + "\n";
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return files.length + "-" + HexFormat.of().toHexDigits((int) crc.getValue());
    }

    /**
     * Copies {@code from} over {@code to} in place (the same file, truncated and written again, as
     * {@code cp} does: a mapping of {@code to} sees the new bytes) keeping {@code to}'s modification
     * time, as {@code cp -p} of a file with that time would: other weights that times alone cannot tell.
     */
    public static void copyKeepingTime(Path from, Path to) throws IOException {
        FileTime kept = Files.getLastModifiedTime(to);
        Files.write(to, Files.readAllBytes(from), StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        Files.setLastModifiedTime(to, kept);
    }

    /** A 24-token trace of the decoder {@code file} (of {@code spec}'s vocabulary), on random ids. */
    public static ActivationTrace profile(Path file, SyntheticDecoder spec) throws IOException {
        Random rnd = new Random(3);
        List<int[]> passages = List.of(
                rnd.ints(12, 0, spec.vocabSize()).toArray(),
                rnd.ints(12, 0, spec.vocabSize()).toArray());
        try (DecoderProfiler p =
                DecoderProfiler.open(file, ProfileOptions.defaults().withMaxTokens(24))) {
            return p.profile(passages, "random ids", ProfileProgress.NONE).trace();
        }
    }
}
