package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.RippleFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple place} killed (SIGKILL) at random points while it writes over an existing model
 * never leaves a partial or corrupt file at the destination: it is either the old file, intact,
 * or the complete new one.
 *
 * <p>Each kill lands in the write: the child's step line for the write (stderr, no terminal)
 * starts a random delay shorter than {@link #WRITE_WINDOW_MS}, so the kill falls while the
 * bundles go out. Kills timed from the child's start (0.5-4.5 s) fell before the write on a quiet
 * machine, where the import and the placement take about 2 s, or after the whole run, so no
 * attempt killed a write; three that all do prove more than five that did not, in less time.
 */
class CrashSafetyTest {
    /**
     * The longest delay after the write begins: shorter than writing this model's 88 MiB here, so a
     * kill lands inside the write, which the test checks (at least one attempt must be killed).
     */
    private static final int WRITE_WINDOW_MS = 150;

    @TempDir
    Path dir;

    @Test
    void killedPlaceLeavesTheOldFileOrTheNewOneNeverAMix() throws Exception {
        String work = dir.resolve("work").toString();
        Path trace = dir.resolve("c.rtrace");
        // a trace to place from: what is killed is the write, whose length does not depend on the trace
        RippleRun.succeeds("profile", "--out", trace.toString(), "--max-tokens", "500", "--work", work, "--quiet");
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

        // not --quiet: the step lines tell when the write starts; no predictor, whose fit would only
        // delay the write
        String[] placeRipple = {
            "place",
            "--trace",
            trace.toString(),
            "--algorithm",
            "ripple",
            "--rank",
            "0",
            "--out",
            dest.toString(),
            "--work",
            work
        };
        long seed = 20261123;
        Random rnd = new Random(seed);
        int kills = 0;
        for (int attempt = 0; attempt < 3; attempt++) {
            long delay = rnd.nextInt(WRITE_WINDOW_MS);
            Process child = RippleRun.startChild(placeRipple);
            try {
                // true once the write's step line is seen; false if stderr ends without it
                CompletableFuture<Boolean> writing = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try (BufferedReader err = child.errorReader()) {
                        String line;
                        while ((line = err.readLine()) != null) {
                            if (line.startsWith("ripple: write " + dest.getFileName())) {
                                writing.complete(true);
                            }
                        }
                    } catch (IOException ignored) {
                        // the child was killed
                    }
                    writing.complete(false);
                });
                assertTrue(
                        writing.get(120, TimeUnit.SECONDS), "attempt " + attempt + ": the child never began the write");
                if (!child.waitFor(delay, TimeUnit.MILLISECONDS)) {
                    child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    kills++;
                }
            } finally {
                // a timeout or a failed check above must not leave the child writing
                child.destroyForcibly();
            }
            byte[] now = Files.readAllBytes(dest);
            try (RippleFile f = RippleFile.open(dest)) {
                f.verify();
                String algorithm =
                        f.provenance().path("placement").path("algorithm").asText();
                if (Arrays.equals(old, now)) {
                    assertEquals("identity", algorithm);
                } else {
                    assertEquals("ripple", algorithm, "seed " + seed + ", killed " + delay + " ms into the write");
                }
            }
        }
        // an attempt that finished before its delay killed nothing: at least one must have been cut short
        assertTrue(kills >= 1, "seed " + seed + ": every attempt finished before its kill");
        RippleRun last = RippleRun.childJvm(placeRipple);
        assertEquals(0, last.exit(), last.err());
        try (RippleFile f = RippleFile.open(dest)) {
            f.verify();
            assertEquals(
                    "ripple", f.provenance().path("placement").path("algorithm").asText());
        }
    }
}
