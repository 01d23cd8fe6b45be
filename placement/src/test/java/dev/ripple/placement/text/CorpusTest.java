package dev.ripple.placement.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.testdata.RealData;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

    /** A line of no-break spaces (a web page's {@code &nbsp;}) is blank: {@code strip} keeps them. */
    @Test
    void noBreakSpacesAloneMakeABlankLine() {
        assertEquals(
                List.of("a\u00a0b"),
                TextCorpus.passages(List.of("\u00a0\u00a0", " \u2007\u202f ", "\u3000", "a\u00a0b")));
    }

    /** Latin-1 text is refused naming the file and the line, not profiled as U+FFFD; plain or gzipped. */
    @Test
    void textThatIsNotUtf8IsRefusedNamingTheFileAndLine() throws Exception {
        byte[] latin1 = "fine\n\nstill fine\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        Path plain = Files.write(dir.resolve("latin1.txt"), latin1);
        Path gz = gzip(dir.resolve("latin1.txt.gz"), latin1);
        for (Path file : List.of(plain, gz)) {
            TextCorpus.NotUtf8Exception e =
                    assertThrows(TextCorpus.NotUtf8Exception.class, () -> TextCorpus.read(file, 100));
            assertEquals(
                    file + ": is not UTF-8 text: line 4 has 0xE9 at byte 4 of the line; convert it, e.g. iconv -f"
                            + " latin1 -t utf-8 if it is Latin-1",
                    e.getMessage());
        }
    }

    /**
     * UTF-16 with a byte-order mark is read as the mark says, plain or gzipped, in both byte orders
     * and with CRLF line ends: it was refused as "not UTF-8" with advice to convert from Latin-1.
     */
    @Test
    void utf16WithAByteOrderMarkIsReadAsItsMarkSays() throws Exception {
        String text = "first 这是 passage\r\n\r\n  مرحبا 😀 \r\nlast";
        List<String> expected = List.of("first 这是 passage", "مرحبا 😀", "last");
        for (var charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            byte[] mark = charset == StandardCharsets.UTF_16LE ? new byte[] {-1, -2} : new byte[] {-2, -1};
            byte[] bytes = concat(mark, text.getBytes(charset));
            Path plain = Files.write(dir.resolve("u16.txt"), bytes);
            assertEquals(expected, TextCorpus.read(plain, 100), charset.name());
            assertEquals(expected, TextCorpus.read(gzip(dir.resolve("u16.txt.gz"), bytes), 100), charset.name());
        }
    }

    /** UTF-16 that ends inside a code unit is refused naming the encoding its mark gave, not misread. */
    @Test
    void utf16CutInsideACharacterIsRefused() throws Exception {
        byte[] bytes = concat(new byte[] {-1, -2}, "ok\nab".getBytes(StandardCharsets.UTF_16LE));
        Path file = Files.write(dir.resolve("odd.txt"), Arrays.copyOf(bytes, bytes.length - 1));
        TextFormatException e = assertThrows(TextFormatException.class, () -> TextCorpus.read(file, 100));
        assertTrue(e.getMessage().startsWith(file + ": is not UTF-16LE text"), e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    /**
     * UTF-16 without a mark is UTF-8 to the reader with a NUL before or after every ASCII character:
     * it was profiled as passages of NULs (one of a lone NUL after the last line end). Refused
     * through the file and through lines the caller read, naming the line.
     */
    @Test
    void nulCharactersAreRefusedNamingTheLine() throws Exception {
        Path file = Files.write(dir.resolve("nomark.txt"), "hello\nworld\n".getBytes(StandardCharsets.UTF_16LE));
        TextFormatException e = assertThrows(TextFormatException.class, () -> TextCorpus.read(file, 100));
        assertTrue(e.getMessage().startsWith(file + ": line 1 holds a NUL character"), e.getMessage());
        assertTrue(e.getMessage().contains("iconv -f utf-16le"), e.getMessage());
        IllegalArgumentException api =
                assertThrows(IllegalArgumentException.class, () -> TextCorpus.passages(List.of("fine", "", "a\0b")));
        assertTrue(api.getMessage().startsWith("line 3 holds a NUL character"), api.getMessage());
    }

    /**
     * A gzip file cut short failed with "Unexpected end of ZLIB input stream", naming neither the
     * file nor what was wrong; its lines so far are not taken as the whole text.
     */
    @Test
    void aTruncatedGzipIsRefusedNamingTheFile() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("line ").append(i).append(" of a text that was cut short\n");
        }
        Path whole = gzip(dir.resolve("whole.gz"), text.toString().getBytes(StandardCharsets.UTF_8));
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.txt.gz"), Arrays.copyOf(bytes, bytes.length / 2));
        TextFormatException e = assertThrows(TextFormatException.class, () -> TextCorpus.read(cut, 1_000_000));
        assertTrue(e.getMessage().startsWith(cut + ": its gzip data ends early, after line "), e.getMessage());
        Path header = Files.write(dir.resolve("header.gz"), Arrays.copyOf(bytes, 5));
        e = assertThrows(TextFormatException.class, () -> TextCorpus.read(header, 10));
        assertTrue(
                e.getMessage().startsWith(header + ": its gzip data ends early, before its first line"),
                e.getMessage());
    }

    /**
     * bzip2, xz, zstd and zip files are refused as what they are: they were "not UTF-8 text" with
     * advice to convert from Latin-1. Text that merely starts with "BZh" is text.
     */
    @Test
    void otherCompressionsAreNamed() throws Exception {
        Map<String, byte[]> files = Map.of(
                "bzip2", "BZh91AY&SY\u0001".getBytes(StandardCharsets.ISO_8859_1),
                "xz", new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0, 0, 4},
                "zstd", new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0x24, 0x05},
                "zip", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0});
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path file = Files.write(dir.resolve("corpus.txt." + f.getKey()), f.getValue());
            TextFormatException e = assertThrows(TextFormatException.class, () -> TextCorpus.read(file, 10));
            assertTrue(
                    e.getMessage().startsWith(file + ": is " + f.getKey() + " data, and only gzip is read"),
                    e.getMessage());
        }
        Path text = Files.writeString(dir.resolve("bzh.txt"), "BZh is a word here\n");
        assertEquals(List.of("BZh is a word here"), TextCorpus.read(text, 10));
    }

    /** Lone CR, CRLF and LF all end a line, mixed in one file, as {@code BufferedReader} ends them. */
    @Test
    void everyLineEndEndsALine() throws Exception {
        Path file = Files.writeString(dir.resolve("ends.txt"), "a\rb\r\nc\nd\r\r\ne");
        assertEquals(List.of("a", "b", "c", "d", "e"), TextCorpus.read(file, 100));
    }

    /**
     * Lines split off as bytes are the lines {@code BufferedReader} reads, whatever the stream's reads
     * return: random text of multi-byte characters and every kind of line end, handed over in reads
     * of random short lengths so that ends and characters straddle the chunks, in UTF-8 and UTF-16.
     */
    @Test
    void linesAreBufferedReadersLinesAcrossChunkBoundaries() throws Exception {
        Random rnd = new Random(7);
        String[] pieces = {"a", "b ", " ", "\u00e9", "\u8fd9", "\ud83d\ude00", "\r", "\n", "\r\n", "\u00a0"};
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300_000; i++) {
            text.append(pieces[rnd.nextInt(pieces.length)]);
        }
        List<String> expected = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new StringReader(text.toString()))) {
            for (String line; (line = r.readLine()) != null; ) {
                expected.add(line);
            }
        }
        expected = TextCorpus.passages(expected);
        byte[] utf16 = concat(new byte[] {-2, -1}, text.toString().getBytes(StandardCharsets.UTF_16BE));
        for (byte[] bytes : List.of(text.toString().getBytes(StandardCharsets.UTF_8), utf16)) {
            InputStream shortReads = new FilterInputStream(new ByteArrayInputStream(bytes)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return super.read(b, off, Math.min(len, 1 + rnd.nextInt(9_000)));
                }

                @Override
                public int available() {
                    return 0; // else BufferedInputStream reads on until its buffer is full
                }
            };
            assertEquals(expected, TextCorpus.read(shortReads, Integer.MAX_VALUE));
        }
    }

    private static Path gzip(Path file, byte[] bytes) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
        return file;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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
