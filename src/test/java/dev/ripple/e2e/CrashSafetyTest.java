package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.bench.cli.UnpackedDefaultModel;
import dev.ripple.core.format.AtomicFile;
import dev.ripple.core.format.RippleFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple place} killed (SIGKILL) at random points while it writes over an existing model
 * never leaves a partial or corrupt file at the destination: it is either the old file, intact,
 * or the complete new one.
 *
 * <p>Each kill is aimed at the write: after the child's step line for the write (stderr, no
 * terminal), the test waits until the write's temporary file appears beside the destination, then
 * a random delay shorter than {@link #WRITE_WINDOW_MS}, after which the child is killed if it is
 * still running. (Counted from the step line alone, the aim missed on a loaded machine: the child
 * took longer than the delays to get from the line to its first byte, and no kill landed.) Aiming is not landing (the write may end before the delay does), so the test
 * counts a kill as one in the write only on the evidence {@link AtomicFile} leaves: the destination
 * as it was before the attempt and the write's temporary file ({@code .<name>.tmp-<pid>-<random>})
 * left beside it. At least one attempt must show that evidence; every attempt, killed or not, must leave
 * the old file or the new one. The delay counts from the step line, not from the child's start, so
 * that the aim does not depend on how long the import and the placement before the write take.
 */
class CrashSafetyTest {
    /**
     * The longest delay after the write begins: meant to be shorter than writing this model's 87 MiB,
     * which the test does not assume but checks (at least one kill must leave a write's evidence).
     */
    private static final int WRITE_WINDOW_MS = 150;

    @TempDir
    Path dir;

    @Test
    void killedPlaceLeavesTheOldFileOrTheNewOneNeverAMix() throws Exception {
        String work = dir.resolve("work").toString();
        UnpackedDefaultModel.linkInto(Path.of(work));
        // a trace to place from: what is killed is the write, whose length does not depend on the trace
        Path trace = DefaultModelTrace.path();
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
        int killsInWrite = 0;
        List<String> outcomes = new ArrayList<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            long delay = rnd.nextInt(WRITE_WINDOW_MS);
            byte[] before = Files.readAllBytes(dest);
            assertEquals(List.of(), temporaryFiles(dest), "attempt " + attempt + " starts with no temporary file");
            boolean killed = false;
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
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (child.isAlive() && temporaryFiles(dest).isEmpty() && System.nanoTime() < giveUp) {
                    Thread.sleep(1); // the write has its first file once the temporary file is there
                }
                if (!child.waitFor(delay, TimeUnit.MILLISECONDS)) {
                    // still running, but maybe past the write: only the files tell where it was killed
                    assertTrue(
                            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS),
                            "attempt " + attempt + ": the killed child did not end");
                    killed = true;
                }
            } finally {
                // a timeout or a failed check above must not leave the child writing
                child.destroyForcibly();
            }
            byte[] now = Files.readAllBytes(dest);
            List<Path> temps = temporaryFiles(dest);
            boolean unchanged = Arrays.equals(before, now);
            if (killed && unchanged && !temps.isEmpty()) {
                killsInWrite++;
            }
            outcomes.add("attempt " + attempt + ": " + delay + " ms, " + (killed ? "killed" : "finished") + ", "
                    + (unchanged ? "destination unchanged" : "destination replaced") + ", " + temps.size()
                    + " temporary file(s)");
            if (!unchanged) {
                // the rename took the temporary file's name away: a replaced destination leaves none behind
                assertEquals(List.of(), temps, "seed " + seed + ", " + outcomes.getLast());
            }
            for (Path t : temps) {
                Files.delete(t); // so the next attempt's evidence is its own
            }
            try (RippleFile f = RippleFile.open(dest)) {
                f.verify();
                String algorithm =
                        f.provenance().path("placement").path("algorithm").asText();
                if (Arrays.equals(old, now)) {
                    assertEquals("identity", algorithm);
                } else {
                    assertEquals("ripple", algorithm, "seed " + seed + ", " + outcomes.getLast());
                }
            }
        }
        // a kill after the rename, or of a child that had finished, proves nothing about the write
        assertTrue(killsInWrite >= 1, "seed " + seed + ": no kill landed in the write: " + outcomes);
        // a run left alone replaces the file; in this JVM, whose code is warm: nothing is killed, so
        // a child JVM's start would add seconds and prove nothing more
        RippleRun.succeeds(placeRipple);
        try (RippleFile f = RippleFile.open(dest)) {
            f.verify();
            assertEquals(
                    "ripple", f.provenance().path("placement").path("algorithm").asText());
        }
    }

    /** The temporary files {@link AtomicFile} writes beside {@code dest}: {@code .<name>.tmp-<random>}. */
    private static List<Path> temporaryFiles(Path dest) throws IOException {
        String prefix = "." + dest.getFileName() + ".tmp-";
        try (Stream<Path> files = Files.list(dest.getParent())) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix))
                    .sorted()
                    .toList();
        }
    }
}
