package dev.ripple.bench.jmh;

import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.text.EuroparlCorpus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode throughput of the pure-Java tokenizer ({@link Tokenizer#encode(String)}, special tokens
 * included) on Europarl text, per real vocabulary: GPT-2's vocab.json + merges.txt (byte-level BPE,
 * GPT-2's pattern), a Llama 2-style tokenizer.json (SentencePiece-style BPE with byte fallback,
 * 32,000 tokens, no pre-tokenizer: each line is one word), a Llama 3-style one (byte-level BPE,
 * 128,256 tokens, a Split regex) and all-MiniLM-L6-v2's WordPiece with the BERT normalizer. The text
 * is every 17th line of Lucene's Europarl sample (about eleven languages, title, date and body) up to
 * 1 MB of UTF-8; one operation encodes all of it, one line at a time, on one thread. The
 * {@code bytes} counter is the throughput in UTF-8 bytes per second, {@code lines} in lines per
 * second. The BPE word cache (10,000 words) stays warm across operations, as in a long-running app.
 *
 * <pre>./ripple jmh TokenizerBenchmark</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class TokenizerBenchmark extends ForkedBenchmark {
    static final int TEXT_BYTES = 1_000_000;
    static final int LINE_STEP = 17;
    static final String DATA = "/ripple-tokenizer-data/";

    @Param({"gpt2", "llama2", "llama3", "minilm"})
    public String vocabulary;

    private Tokenizer tokenizer;
    private List<String> lines;
    private long textBytes;

    /** Bytes and lines encoded, reported by JMH as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Encoded {
        public long bytes;
        public long lines;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        tokenizer = switch (vocabulary) {
            case "gpt2" ->
                Tokenizer.fromVocabAndMerges(
                        resource(DATA + "gpt2/encoder.json"), resource(DATA + "gpt2/vocab.bpe"), null);
            case "llama2" -> Tokenizer.fromJson(resource(DATA + "llama2/tokenizer.json"));
            case "llama3" -> Tokenizer.fromJson(resource(DATA + "llama3/tokenizer.json"));
            case "minilm" -> Tokenizer.fromJson(resource("/all-minilm-l6-v2-tokenizer.json"));
            default ->
                throw new IllegalArgumentException(
                        "unknown vocabulary '" + vocabulary + "' (gpt2, llama2, llama3, minilm)");
        };
        lines = new ArrayList<>();
        textBytes = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(stream(EuroparlCorpus.LUCENE_RESOURCE)), StandardCharsets.UTF_8))) {
            String line;
            int i = 0;
            while ((line = r.readLine()) != null && textBytes < TEXT_BYTES) {
                if (i++ % LINE_STEP == 0) {
                    lines.add(line);
                    textBytes += line.getBytes(StandardCharsets.UTF_8).length;
                }
            }
        }
        long tokens = 0;
        for (String s : lines) {
            tokens += tokenizer.encode(s).length;
        }
        System.out.printf(
                "%n%s: %d lines, %d bytes of UTF-8, %d tokens per operation%n",
                vocabulary, lines.size(), textBytes, tokens);
    }

    private static InputStream stream(String resource) throws IOException {
        InputStream in = TokenizerBenchmark.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(
                    "class-path resource " + resource + " is missing (modules tokenizer-data, the MiniLM and"
                            + " Lucene test-framework artifacts); rebuild with ./mvnw -DskipTests package");
        }
        return in;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = stream(name)) {
            return in.readAllBytes();
        }
    }

    @Benchmark
    public int encode(Encoded counters) {
        int n = 0;
        for (String s : lines) {
            n += tokenizer.encode(s).length;
        }
        counters.bytes += textBytes;
        counters.lines += lines.size();
        return n;
    }
}
