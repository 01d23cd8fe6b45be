package dev.ripple.placement.text;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a calibration text: one passage per line, UTF-8, plain or gzip-compressed (recognised by
 * its magic bytes, not its name), blank lines skipped, surrounding white space trimmed. Lines handed
 * to the pipeline as strings are made passages the same way ({@link #passages}): a blank line would
 * otherwise be profiled as a passage of special tokens alone ([CLS][SEP], or a lone BOS).
 *
 * <pre>{@code
 * List<String> passages = TextCorpus.read(Path.of("calibration.txt.gz"), 10_000);
 * }</pre>
 */
public final class TextCorpus {
    private TextCorpus() {}

    /**
     * The passages of {@code lines} as a text file's are read: each stripped of surrounding white
     * space, blank ones left out, and a byte-order mark (U+FEFF) at the start of a line left out:
     * lines read with {@code Files.readAllLines} keep a file's mark on the first, and files joined
     * with {@code cat} keep each one's. The one place that decides what a line makes.
     */
    public static List<String> passages(Collection<String> lines) {
        List<String> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            // strip() keeps a mark: it is not white space
            String s = (line.startsWith("\uFEFF") ? line.substring(1) : line).strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Up to {@code maxPassages} non-blank lines of {@code file}. */
    public static List<String> read(Path file, int maxPassages) throws IOException {
        if (Files.isDirectory(file)) { // opens, and then a read fails with "Is a directory" naming no file
            throw new FileSystemException(file.toString(), null, "is a directory, not a text file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, maxPassages);
        } catch (ZipException e) {
            throw new IOException(file + ": starts like gzip but does not decompress: " + e.getMessage(), e);
        } catch (NotUtf8Exception e) {
            throw new NotUtf8Exception(file + ": " + e.getMessage(), e.getCause());
        }
    }

    /** Text that is not UTF-8: its bytes would have been read as U+FFFD, profiling text nobody wrote. */
    public static final class NotUtf8Exception extends IOException {
        private static final long serialVersionUID = 1L;

        NotUtf8Exception(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Up to {@code maxPassages} non-blank lines of a stream (closed by the caller). */
    public static List<String> read(InputStream in, int maxPassages) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = reader(in)) {
            String line;
            while (out.size() < maxPassages && (line = r.readLine()) != null) {
                out.addAll(passages(List.of(line)));
            }
        } catch (CharacterCodingException e) {
            // the reader decodes ahead of the lines it hands out, so the line is not known
            throw new NotUtf8Exception(
                    "is not UTF-8 text (" + e.getMessage() + "); convert it, e.g. iconv -f latin1 -t utf-8", e);
        }
        return out;
    }

    /**
     * A UTF-8 reader over {@code in}, decompressing when it starts with the gzip magic 1f 8b. Bytes
     * that are not UTF-8 fail the read ({@link CharacterCodingException}) rather than becoming U+FFFD.
     */
    public static BufferedReader reader(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
        b.mark(2);
        int m0 = b.read();
        int m1 = b.read();
        b.reset();
        InputStream data = (m0 == 0x1f && m1 == 0x8b) ? new GZIPInputStream(b, 1 << 16) : b;
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return new BufferedReader(new InputStreamReader(data, utf8));
    }
}
