package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.core.format.RippleFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple place} killed (SIGKILL) at random points while it writes over an existing model
 * never leaves a partial or corrupt file at the destination: it is either the old file, intact,
 * or the complete new one.
 */
class CrashSafetyTest {
    @TempDir
    Path dir;

    @Test
    void killedPlaceLeavesTheOldFileOrTheNewOneNeverAMix() throws Exception {
        String work = dir.resolve("work").toString();
        Path trace = dir.resolve("c.rtrace");
        RippleRun.succeeds("profile", "--out", trace.toString(), "--max-tokens", "1500", "--work", work, "--quiet");
        Path dest = dir.resolve("model.ripple");
        RippleRun.succeeds(
                "place",
                "--trace",
                trace.toString(),
                "--algorithm",
                "identity",
                "--rank",
                "0",
                "--out",
                dest.toString(),
                "--work",
                work,
                "--quiet");
        byte[] old = Files.readAllBytes(dest);

        String[] placeRipple = {
            "place",
            "--trace",
            trace.toString(),
            "--algorithm",
            "ripple",
            "--rank",
            "8",
            "--out",
            dest.toString(),
            "--work",
            work,
            "--quiet"
        };
        long seed = 20261123;
        Random rnd = new Random(seed);
        for (int attempt = 0; attempt < 5; attempt++) {
            long delay = 500 + rnd.nextInt(4000);
            Process child = RippleRun.startChild(placeRipple);
            boolean finished = child.waitFor(delay, TimeUnit.MILLISECONDS);
            if (!finished) {
                child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            byte[] now = Files.readAllBytes(dest);
            try (RippleFile f = RippleFile.open(dest)) {
                f.verify();
                String algorithm =
                        f.provenance().path("placement").path("algorithm").asText();
                if (Arrays.equals(old, now)) {
                    assertEquals("identity", algorithm);
                } else {
                    assertEquals("ripple", algorithm, "seed " + seed + ", killed after " + delay + " ms");
                }
            }
        }
        RippleRun last = RippleRun.childJvm(placeRipple);
        assertEquals(0, last.exit(), last.err());
        try (RippleFile f = RippleFile.open(dest)) {
            f.verify();
            assertEquals(
                    "ripple", f.provenance().path("placement").path("algorithm").asText());
        }
    }
}
