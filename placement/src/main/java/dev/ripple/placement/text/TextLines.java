package dev.ripple.placement.text;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The numbered lines of a text stream, for {@link TextCorpus}: gzip recognised by its magic bytes,
 * the encoding by its byte-order mark (UTF-8, UTF-16LE, UTF-16BE; UTF-8 without one), lines ended by
 * LF, CRLF or a lone CR as {@code BufferedReader} ends them. Each line is split off as bytes before it
 * is decoded, so a byte that is not of the encoding is reported with its line: a {@code Reader}
 * decodes ahead of the lines it hands out and can say neither. A UTF-16 file was refused as "not
 * UTF-8" with advice to convert from Latin-1, although its mark says what it is.
 */
final class TextLines implements Closeable {
    private static final int CHUNK = 1 << 16;

    private final InputStream in;
    private final boolean gzip;
    private final Charset charset;
    private final int unitBytes; // 1 for UTF-8, 2 for UTF-16: LF and CR are whole code units
    private final boolean bigEndian;
    private final CharsetDecoder decoder;
    private final byte[] chunk = new byte[CHUNK];
    private int chunkPos;
    private int chunkLimit;
    private byte[] line = new byte[256];
    private int lineLength;
    private long number;
    private boolean afterCr;

    private TextLines(InputStream in, boolean gzip, Charset charset, boolean bigEndian) {
        this.in = in;
        this.gzip = gzip;
        this.charset = charset;
        this.unitBytes = charset.equals(StandardCharsets.UTF_8) ? 1 : 2;
        this.bigEndian = bigEndian;
        this.decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** Lines of {@code raw}, closed with them; its gzip header and byte-order mark read here. */
    static TextLines open(InputStream raw) throws IOException {
        BufferedInputStream b = new BufferedInputStream(raw, CHUNK);
        byte[] magic = peek(b, 6);
        boolean gzip = startsWith(magic, 0x1f, 0x8b);
        for (Compression c : Compression.values()) {
            if (c.matches(magic)) {
                b.close();
                throw new TextFormatException("is " + c.label + " data, and only gzip is read: decompress it (" + c.tool
                        + ") or compress it with gzip");
            }
        }
        try {
            BufferedInputStream data = gzip ? new BufferedInputStream(new GZIPInputStream(b, CHUNK), CHUNK) : b;
            byte[] head = peek(data, 3);
            if (startsWith(head, 0xEF, 0xBB, 0xBF)) {
                data.skipNBytes(3);
                return new TextLines(data, gzip, StandardCharsets.UTF_8, false);
            }
            boolean le = startsWith(head, 0xFF, 0xFE);
            if (le || startsWith(head, 0xFE, 0xFF)) {
                data.skipNBytes(2);
                return new TextLines(data, gzip, le ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE, !le);
            }
            return new TextLines(data, gzip, StandardCharsets.UTF_8, false);
        } catch (ZipException | EOFException e) {
            b.close();
            throw damagedGzip(e, 0);
        }
    }

    /**
     * Compressions other than gzip, told by their magic bytes: their data was refused as "not UTF-8
     * text" with advice to convert it from Latin-1.
     */
    private enum Compression {
        BZIP2("bzip2", "bunzip2", 'B', 'Z', 'h'), // and a block size digit
        XZ("xz", "unxz", 0xFD, '7', 'z', 'X', 'Z', 0x00),
        ZSTD("zstd", "unzstd", 0x28, 0xB5, 0x2F, 0xFD),
        ZIP("zip", "unzip", 'P', 'K', 0x03, 0x04);

        final String label;
        final String tool;
        final int[] magic;

        Compression(String label, String tool, int... magic) {
            this.label = label;
            this.tool = tool;
            this.magic = magic;
        }

        boolean matches(byte[] head) {
            return startsWith(head, magic) && (this != BZIP2 || head.length > 3 && head[3] >= '1' && head[3] <= '9');
        }
    }

    /** The next line without its end, or null after the last; a final line needs no end. */
    String next() throws IOException {
        lineLength = 0;
        return unitBytes == 1 ? nextUtf8() : nextUtf16();
    }

    /**
     * A UTF-8 line: LF and CR bytes occur in no multi-byte sequence, so the chunk is scanned for them
     * and whole runs copied; a unit at a time took seven times as long as {@code BufferedReader}.
     */
    private String nextUtf8() throws IOException {
        boolean any = false;
        while (chunkPos < chunkLimit || fill()) {
            if (afterCr) {
                afterCr = false;
                if (chunk[chunkPos] == '\n') {
                    chunkPos++; // the LF of a CRLF whose CR ended the previous line
                    continue;
                }
            }
            any = true;
            int end = chunkPos;
            while (end < chunkLimit && chunk[end] != '\n' && chunk[end] != '\r') {
                end++;
            }
            appendRange(chunkPos, end - chunkPos);
            if (end < chunkLimit) {
                afterCr = chunk[end] == '\r';
                chunkPos = end + 1;
                break;
            }
            chunkPos = end;
        }
        if (!any) {
            return null;
        }
        number++;
        // the JDK's decoder is fast and makes U+FFFD of bad bytes; the strict one says which they were
        String s = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        return s.indexOf('\uFFFD') < 0 ? s : decode();
    }

    private String nextUtf16() throws IOException {
        boolean any = false;
        for (int u; (u = unit()) != -1; ) {
            if (afterCr) {
                afterCr = false;
                if (u == '\n') {
                    continue; // the LF of a CRLF whose CR ended the previous line
                }
            }
            any = true;
            if (u == '\n') {
                break;
            }
            if (u == '\r') {
                afterCr = true;
                break;
            }
        }
        if (!any) {
            return null;
        }
        number++;
        return decode();
    }

    /** The number of the line {@link #next} returned last, from 1. */
    long number() {
        return number;
    }

    /**
     * Reads one UTF-16 code unit, appending its bytes to the line unless it is LF or CR; -1 at the end. A
     * stream ending inside a UTF-16 unit leaves its odd byte on the line, which then fails to decode.
     */
    private int unit() throws IOException {
        int b0 = nextByte();
        if (b0 < 0) {
            return -1;
        }
        int b1 = nextByte();
        if (b1 < 0) {
            return append(b0, 0xFFFF);
        }
        int u = bigEndian ? (b0 << 8 | b1) : (b1 << 8 | b0);
        if (u == '\n' || u == '\r') {
            return u;
        }
        append(b0, u);
        return append(b1, u);
    }

    private int append(int b, int unit) {
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.multiplyExact(line.length, 2));
        }
        line[lineLength++] = (byte) b;
        return unit;
    }

    private void appendRange(int from, int n) {
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.max(Math.multiplyExact(line.length, 2), lineLength + n));
        }
        System.arraycopy(chunk, from, line, lineLength, n);
        lineLength += n;
    }

    private int nextByte() throws IOException {
        return chunkPos < chunkLimit || fill() ? chunk[chunkPos++] & 0xFF : -1;
    }

    /** Reads the next chunk; false at the end of the stream. */
    private boolean fill() throws IOException {
        int n;
        try {
            n = in.read(chunk);
        } catch (ZipException | EOFException e) {
            if (!gzip) {
                throw e;
            }
            throw damagedGzip(e, number);
        }
        if (n < 0) {
            return false;
        }
        chunkPos = 0;
        chunkLimit = n;
        return true;
    }

    private String decode() throws TextFormatException {
        ByteBuffer bytes = ByteBuffer.wrap(line, 0, lineLength);
        CharBuffer chars = CharBuffer.allocate(lineLength + 1);
        decoder.reset();
        CoderResult r = decoder.decode(bytes, chars, true);
        if (!r.isError()) {
            r = decoder.flush(chars);
        }
        if (r.isError()) {
            int at = bytes.position();
            String bad = HexFormat.ofDelimiter(" ")
                    .withPrefix("0x")
                    .withUpperCase()
                    .formatHex(line, at, at + Math.min(r.length(), 4));
            String where = "line " + number + " has " + bad + " at byte " + (at + 1) + " of the line";
            if (unitBytes == 1) {
                throw new TextCorpus.NotUtf8Exception(
                        "is not UTF-8 text: " + where + "; convert it, e.g. iconv -f latin1 -t utf-8 if it is"
                                + " Latin-1",
                        null);
            }
            throw new TextFormatException(
                    "is not " + charset.name() + " text (its byte-order mark says it is): " + where);
        }
        return chars.flip().toString();
    }

    private static TextFormatException damagedGzip(IOException e, long lines) {
        String after = lines == 0 ? "before its first line" : "after line " + lines;
        return new TextFormatException(
                e instanceof EOFException
                        ? "its gzip data ends early, " + after + " (a truncated copy or download?)"
                        : "starts like gzip but does not decompress, " + after + ": " + e.getMessage(),
                e);
    }

    private static byte[] peek(BufferedInputStream in, int n) throws IOException {
        in.mark(n);
        byte[] head = in.readNBytes(n);
        in.reset();
        return head;
    }

    private static boolean startsWith(byte[] head, int... bytes) {
        if (head.length < bytes.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if ((head[i] & 0xFF) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
