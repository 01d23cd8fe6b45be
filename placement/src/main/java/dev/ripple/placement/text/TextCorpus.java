package dev.ripple.placement.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads a calibration text: one passage per line, plain or gzip-compressed (recognised by its magic
 * bytes, not its name), UTF-8, or UTF-16 when a byte-order mark says so, blank lines skipped,
 * surrounding white space trimmed. Lines handed to the pipeline as strings are made passages the same
 * way ({@link #passages}): a blank line would otherwise be profiled as a passage of special tokens
 * alone ([CLS][SEP], or a lone BOS). Text that is not what it claims is refused naming the line
 * ({@link TextFormatException}): bytes that are not UTF-8, NUL characters (UTF-16 without a mark
 * read as UTF-8 is every other character NUL), a gzip stream that ends early.
 *
 * <pre>{@code
 * List<String> passages = TextCorpus.read(Path.of("calibration.txt.gz"), 10_000);
 * }</pre>
 */
public final class TextCorpus {
    private TextCorpus() {}

    /**
     * The passages of {@code lines} as a text file's are read: each stripped of surrounding white
     * space, blank ones (white space alone, no-break spaces included) left out, and a byte-order mark (U+FEFF) at the start of a line left out:
     * lines read with {@code Files.readAllLines} keep a file's mark on the first, and files joined
     * with {@code cat} keep each one's. The one place that decides what a line makes.
     *
     * @throws IllegalArgumentException when a line holds a NUL character, naming it (from 1): lines
     *     of UTF-16 text read as UTF-8 have one before or after every ASCII character, and would be
     *     profiled as passages nobody wrote
     */
    public static List<String> passages(Collection<String> lines) {
        List<String> out = new ArrayList<>(lines.size());
        long number = 0;
        for (String line : lines) {
            number++;
            String nul = nulMessage(line, number);
            if (nul != null) {
                throw new IllegalArgumentException(nul);
            }
            addPassage(line, out);
        }
        return out;
    }

    private static void addPassage(String line, List<String> out) {
        // strip() keeps a mark: it is not white space
        String s = (line.startsWith("\uFEFF") ? line.substring(1) : line).strip();
        if (!isBlank(s)) {
            out.add(s);
        }
    }

    /**
     * White space alone as Unicode has it: {@code strip} keeps the no-break spaces (U+00A0, U+2007,
     * U+202F), so a line of {@code &nbsp;} pasted from a web page was a passage. (All are in the BMP.)
     */
    private static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                return false;
            }
        }
        return true;
    }

    private static String nulMessage(String line, long number) {
        return line.indexOf('\0') < 0
                ? null
                : "line " + number + " holds a NUL character: UTF-16 text without a byte-order mark, or not text"
                        + " (convert UTF-16, e.g. iconv -f utf-16le -t utf-8)";
    }

    /**
     * Up to {@code maxPassages} non-blank lines of {@code file}.
     *
     * @throws TextFormatException naming the file and the line: not UTF-8 ({@link NotUtf8Exception}),
     *     a NUL character, a gzip stream that does not decompress or ends early
     */
    public static List<String> read(Path file, int maxPassages) throws IOException {
        if (Files.isDirectory(file)) { // opens, and then a read fails with "Is a directory" naming no file
            throw new FileSystemException(file.toString(), null, "is a directory, not a text file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, maxPassages);
        } catch (NotUtf8Exception e) {
            throw new NotUtf8Exception(file + ": " + e.getMessage(), e.getCause());
        } catch (TextFormatException e) {
            throw new TextFormatException(file + ": " + e.getMessage(), e.getCause());
        }
    }

    /** Text that is not UTF-8: its bytes would have been read as U+FFFD, profiling text nobody wrote. */
    public static final class NotUtf8Exception extends TextFormatException {
        private static final long serialVersionUID = 1L;

        NotUtf8Exception(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Up to {@code maxPassages} non-blank lines of a stream (closed by the caller).
     *
     * @throws TextFormatException naming the line, as {@link #read(Path, int)} does
     */
    public static List<String> read(InputStream in, int maxPassages) throws IOException {
        List<String> out = new ArrayList<>();
        try (TextLines lines = TextLines.open(in)) {
            String line;
            while (out.size() < maxPassages && (line = lines.next()) != null) {
                String nul = nulMessage(line, lines.number());
                if (nul != null) {
                    throw new TextFormatException(nul);
                }
                addPassage(line, out);
            }
        }
        return out;
    }
}
