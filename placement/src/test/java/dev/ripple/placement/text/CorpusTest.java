package dev.ripple.placement.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.testdata.RealData;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainAndGzipSkippingBlanks() throws Exception {
        String text = "first passage\n\n   \n  second passage  \nthird\n";
        Path plain = dir.resolve("a.txt");
        Files.writeString(plain, text);
        Path gz = dir.resolve("b.dat");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        List<String> expected = List.of("first passage", "second passage", "third");
        assertEquals(expected, TextCorpus.read(plain, 100));
        assertEquals(expected, TextCorpus.read(gz, 100));
        assertEquals(expected.subList(0, 2), TextCorpus.read(gz, 2));
    }

    /** A byte-order mark at the start of a file is not part of the first passage. */
    @Test
    void aByteOrderMarkIsNotText() throws Exception {
        Path bom = Files.writeString(dir.resolve("bom.txt"), "\uFEFFfirst passage\nsecond\n");
        assertEquals(List.of("first passage", "second"), TextCorpus.read(bom, 100));
    }

    /**
     * Lines read by the caller ({@code Files.readAllLines}, as the README's Java examples do) keep a
     * file's byte-order mark on the first; the pipeline's passages leave it out as {@code ripple
     * profile} does, else the API profiled the mark as tokens of its own.
     */
    @Test
    void aByteOrderMarkOnTheFirstOfTheCallersLinesIsNotText() throws Exception {
        Path bom = Files.writeString(dir.resolve("bom.txt"), "\uFEFFfirst passage\r\nsecond\r\n");
        assertEquals(List.of("first passage", "second"), TextCorpus.passages(Files.readAllLines(bom)));
        assertEquals(List.of("first passage"), TextCorpus.passages(List.of("\uFEFF", "first passage")));
    }

    /** Latin-1 text is refused naming the file, not profiled as U+FFFD; plain or gzipped. */
    @Test
    void textThatIsNotUtf8IsRefusedNamingTheFile() throws Exception {
        byte[] latin1 = "fine\n\nstill fine\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        Path plain = Files.write(dir.resolve("latin1.txt"), latin1);
        Path gz = dir.resolve("latin1.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(latin1);
        }
        for (Path file : List.of(plain, gz)) {
            TextCorpus.NotUtf8Exception e =
                    assertThrows(TextCorpus.NotUtf8Exception.class, () -> TextCorpus.read(file, 100));
            assertTrue(e.getMessage().startsWith(file + ": is not UTF-8 text"), e.getMessage());
            assertTrue(e.getMessage().contains("iconv"), e.getMessage());
        }
    }

    @Test
    void englishFilterAndSentences() {
        assertTrue(
                EuroparlCorpus.isEnglish("We should remember that education and training are also the keys to Europe's"
                        + " competitiveness, which is why the Commission has proposed this programme for all of us."));
        assertFalse(
                EuroparlCorpus.isEnglish(
                        "Ich glaube, daß wir bei der Abstimmung über den Haushalt vor allem darauf"
                                + " hinwirken können, daß die eingereichten Änderungsanträge angenommen werden, wobei ich Herrn Bertens"));
        assertEquals(
                List.of("All we want to do is to increase the value here.", "We should remember that."),
                EuroparlCorpus.sentences(
                        "be able to do what we can. All we want to do is to increase the value here.   "
                                + "We should remember that. And then the cut"));
    }

    @Test
    void europarlSplitIsDisjointDeterministicAndEnglish() throws Exception {
        EuroparlCorpus.Split a;
        EuroparlCorpus.Split b;
        try (InputStream in = RealData.stream(RealData.EUROPARL)) {
            a = EuroparlCorpus.read(in, 0.25);
        }
        try (InputStream in = RealData.stream(RealData.EUROPARL)) {
            b = EuroparlCorpus.read(in, 0.25);
        }
        assertEquals(a, b);
        int lines = a.calibrationLines() + a.heldOutLines();
        assertTrue(lines > 1000 && lines < 1500, "English lines " + lines);
        assertEquals(lines / 4, a.heldOutLines(), 1);
        assertTrue(
                a.calibration().size() > 5_000,
                "calibration sentences " + a.calibration().size());
        assertTrue(
                a.heldOut().size() > 1_500, "held-out sentences " + a.heldOut().size());
        Set<String> cal = new HashSet<>(a.calibration());
        long shared = a.heldOut().stream().filter(cal::contains).count();
        assertTrue(shared < 20, "sentences on both sides (repeated formulae only): " + shared);
        for (String s : a.calibration().subList(0, 200)) {
            assertTrue(Character.isUpperCase(s.charAt(0)) && ".!?".indexOf(s.charAt(s.length() - 1)) >= 0, s);
        }
    }
}
