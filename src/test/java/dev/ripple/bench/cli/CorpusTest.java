package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded sample's split is read once per held-out fraction, even by two callers at once; a
 * user's file is split by line.
 */
class CorpusTest {
    @TempDir
    Path dir;

    @Test
    void theEmbeddedSplitIsReadOncePerFraction() throws IOException {
        Corpus half = Corpus.load(null, 0.5);
        assertSame(half, Corpus.load(null, 0.5));
        assertEquals(DefaultData.CORPUS_NAME, half.name());
        assertTrue(!half.calibration().isEmpty() && !half.heldOut().isEmpty());
        Corpus quarter = Corpus.load(null, 0.25);
        assertNotEquals(half.heldOut().size(), quarter.heldOut().size());
        assertSame(quarter, Corpus.load(null, 0.25));
    }

    /**
     * Two commands of one JVM asking at once get one split: the second waits for the first one's
     * read rather than making its own, which a check-then-put cache would do, returning two copies.
     * The fraction is one no other test asks for, so that neither call finds it already cached.
     */
    @Test
    void twoCallersAtOnceGetTheSameSplit() throws Exception {
        double fraction = 0.375;
        CyclicBarrier start = new CyclicBarrier(2);
        Callable<Corpus> load = () -> {
            start.await(10, TimeUnit.SECONDS); // both threads released together
            return Corpus.load(null, fraction);
        };
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<Corpus>> calls = pool.invokeAll(List.of(load, load), 30, TimeUnit.SECONDS);
            Corpus first = calls.get(0).get();
            // identity, not equality: two reads would give equal copies; the message stays short, the split is long
            assertTrue(first == calls.get(1).get(), "the two callers got two copies of the split");
            assertTrue(first == Corpus.load(null, fraction), "a later caller got another copy of the split");
            assertEquals(DefaultData.CORPUS_NAME, first.name());
        }
    }

    /** A held-out share out of range is refused naming the option that gave it. */
    @Test
    void aHeldOutFractionOutOfRangeIsRefusedByTheOptionsName() throws IOException {
        Path text = Files.write(dir.resolve("t.txt"), List.of("a", "b"));
        assertEquals(
                "ripple: --heldout-fraction must be in [0, 1), got 1.5",
                CommandRuns.refusal(
                        "profile",
                        "--text",
                        text.toString(),
                        "--heldout-fraction",
                        "1.5",
                        "--out",
                        dir.resolve("t.rtrace").toString(),
                        "--work",
                        dir.resolve("work").toString()));
    }

    @Test
    void aFileIsSplitByLineInterleaved() throws IOException {
        Path text = Files.write(dir.resolve("t.txt"), List.of("a", "b", "", "c", "d"));
        Corpus c = Corpus.load(text, 0.5);
        // lines a, b, c, d: line j is held out iff floor((j+1)/2) > floor(j/2), i.e. the odd ones
        assertEquals(List.of("a", "c"), c.calibration());
        assertEquals(List.of("b", "d"), c.heldOut());
        assertEquals("t.txt", c.name());
    }

    /**
     * Held-out text that is the calibration text (the same file, a copy, a part of it) is refused
     * naming both: bench measured the placement on the passages it was fitted to and printed them as
     * held-out figures. Text with a passage of its own is taken.
     */
    @Test
    void heldOutTextThatTheCalibrationHoldsIsRefused(@TempDir Path dir) throws IOException {
        Path cal = Files.writeString(dir.resolve("cal.txt"), "one\ntwo\nthree\n");
        Path part = Files.writeString(dir.resolve("part.txt"), "three\n\none\n");
        for (Path held : List.of(cal, part)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Corpus.load(held, cal, 0.5));
            assertTrue(
                    e.getMessage().startsWith("--text " + held + " holds no passage that --calibration-text " + cal),
                    e.getMessage());
        }
        Path other = Files.writeString(dir.resolve("other.txt"), "three\nfour\n");
        assertEquals(List.of("three", "four"), Corpus.load(other, cal, 0.5).heldOut());
    }
}
