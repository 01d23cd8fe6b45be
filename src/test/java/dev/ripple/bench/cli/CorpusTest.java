package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded sample's split is read once per held-out fraction; a user's file is split by line. */
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

    @Test
    void aFileIsSplitByLineInterleaved() throws IOException {
        Path text = Files.write(dir.resolve("t.txt"), List.of("a", "b", "", "c", "d"));
        Corpus c = Corpus.load(text, 0.5);
        // lines a, b, c, d: line j is held out iff floor((j+1)/2) > floor(j/2), i.e. the odd ones
        assertEquals(List.of("a", "c"), c.calibration());
        assertEquals(List.of("b", "d"), c.heldOut());
        assertEquals("t.txt", c.name());
    }
}
