package dev.ripple.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ripple.cache.CacheSettings;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.MissingPredictorException;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.activity.TrainedPredictor;
import dev.ripple.core.model.bert.EncoderModel;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.FuzzScratch;
import dev.ripple.core.testing.ModedInput;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomEncoders;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.core.testing.StoredPredictors;
import dev.ripple.core.testing.TokenizerRefusals;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.core.tokenizer.TokenizerFormatException;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.BufferUnderflowException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the {@code .ripple} reader and of the runtime over what it
 * opens: opening, verifying and reading every layer, tensor and blob of arbitrary bytes must either
 * work or end in a {@link RippleFormatException}; a file that opens is then opened as a
 * {@link RippleModel} and run (every FFN layer on one token, read ahead from another, and on two, the stored tokenizer, the
 * decoder for one and two more tokens or the encoder on a few ids), which must work or end in a
 * {@link RippleFormatException} too. The other typed refusals allowed are the ones documented for
 * what is asked: {@link MissingPredictorException} (never expected here, as the stored predictor is
 * asked for only when the file stores one), a {@link TokenizerFormatException} for a damaged
 * stored tokenizer and the tokenizer's runtime refusals ({@link TokenizerRefusals}). Any other
 * exception, an {@link OutOfMemoryError} (the fuzzing JVM has a small heap) or a hang (Jazzer's
 * per-input timeout) is a finding. Outputs are not checked: a file of finite weights may still
 * hold huge ones.
 *
 * <p>Every section carries a CRC32C, and a fuzzer almost never guesses a matching checksum, so it
 * would only ever exercise the checksum checks. The first input byte therefore picks a mode: bit 0
 * set means "recompute every checksum of the rest first" ({@link Reseal}), which lets mutations
 * reach the structural checks behind the checksums; clear means "use the bytes as they are". Its
 * other bits pick how the runtime is opened ({@link #options}): bit 1 the reader (mapped or
 * positional), bit 2 the predictor (dense, or the one the file stores), bits 3-4 the cache policy
 * (none, lru, s3fifo, linking; a budget of a few bundles), bit 5 fill-in off, bit 6 an f16 KV cache.
 *
 * <p>Seeds are small valid models generated here, in several modes: FFN-only models, a Llama-like
 * decoder with a low-rank predictor, read-ahead factors, fill-in and a tokenizer.json, an OPT-like decoder with a
 * trained predictor and vocab.json + merges.txt, and a BERT encoder with a low-rank predictor,
 * fill-in and a WordPiece tokenizer.json. In the default build this class runs only in the
 * {@code fuzz} surefire execution (see core/pom.xml and docs/RELIABILITY.md); crashes Jazzer finds
 * go to {@code RippleFileFuzzTestInputs} and are replayed on every run.
 */
class RippleFileFuzzTest {

    static Stream<byte[]> seeds() throws IOException {
        Stream.Builder<byte[]> seeds = Stream.builder();
        int i = 0;
        for (DType dtype : new DType[] {DType.F16, DType.F32}) {
            for (boolean gated : new boolean[] {false, true}) {
                RippleContents c = RandomModels.model(
                        7 + i, 1 + i % 2, 4, 8, gated ? Activation.SILU : Activation.RELU, gated, dtype);
                Path p = Files.createTempFile("seed", ".ripple");
                try {
                    RippleFileWriter.write(p, c);
                    byte[] file = Files.readAllBytes(p);
                    seeds.add(ModedInput.seed(0, file)).add(ModedInput.seed(1, file));
                } finally {
                    Files.deleteIfExists(p);
                }
                i++;
            }
        }
        for (RippleContents c : runtimeModels()) {
            byte[] file = written(c);
            for (int mode : RUNTIME_MODES) {
                seeds.add(ModedInput.seed(mode, file));
            }
        }
        return seeds.build();
    }

    /**
     * The modes of the runtime seeds: the stored predictor, mapped reads, no cache, fill-in; the
     * stored predictor, positional reads, the linking cache, fill-in, an f16 KV cache; the dense
     * predictor, positional reads, s3fifo, no fill-in. All reseal, which changes nothing in a valid file.
     */
    static final int[] RUNTIME_MODES = {0b0000101, 0b1011111, 0b0110011};

    /**
     * The runtime seeds open and run every step with no refusal, each in every seed mode, so that
     * fuzzing starts from inputs that reach the whole runtime: the stored predictor when asked,
     * the tokenizer, the decoder or the encoder.
     */
    @Test
    void runtimeSeedsRunEveryStep() throws IOException {
        List<RippleContents> models = runtimeModels();
        PredictorKind[] stored = {PredictorKind.LOWRANK, PredictorKind.TRAINED, PredictorKind.LOWRANK};
        for (int i = 0; i < models.size(); i++) {
            byte[] file = written(models.get(i));
            assertTrue(file.length < 32 * 1024, "seed " + i + " has " + file.length + " bytes");
            Path p = FuzzScratch.write("seed.ripple", file);
            for (int mode : RUNTIME_MODES) {
                try (RippleFile f = RippleFile.open(p)) {
                    RuntimeOptions o = options((byte) mode, f);
                    assertEquals((mode & 4) != 0 ? stored[i] : PredictorKind.DENSE, o.predictor());
                    run(p, o, (mode & 64) != 0 ? DType.F16 : DType.F32);
                }
            }
            RuntimeOptions plain;
            try (RippleFile f = RippleFile.open(p)) {
                plain = options((byte) 0, f);
            }
            try (RippleModel m = RippleModel.open(p, plain)) {
                assertTrue(m.tokenizer().isPresent(), "seed " + i);
                assertEquals(i < 2, m.decoder().isPresent(), "seed " + i);
                assertEquals(i == 2, m.encoder().isPresent(), "seed " + i);
            }
        }
    }

    /** A tokenizer.json of a word-level tokenizer that splits on whitespace. */
    static final String WORD_LEVEL = "{\"pre_tokenizer\":{\"type\":\"Whitespace\"},\"model\":{\"type\":\"WordLevel\","
            + "\"unk_token\":\"?\",\"vocab\":{\"?\":0,\"a\":1,\"b\":2,\"<s>\":3}},\"added_tokens\":[{\"id\":3,"
            + "\"content\":\"<s>\",\"special\":true}]}";
    /** A tokenizer.json of a BERT WordPiece tokenizer. */
    static final String WORD_PIECE = "{\"normalizer\":{\"type\":\"BertNormalizer\",\"lowercase\":true},"
            + "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},\"post_processor\":{\"type\":\"BertProcessing\","
            + "\"sep\":[\"[SEP]\",3],\"cls\":[\"[CLS]\",2]},\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\"},"
            + "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"continuing_subword_prefix\":\"##\","
            + "\"vocab\":{\"[PAD]\":0,\"[UNK]\":1,\"[CLS]\":2,\"[SEP]\":3,\"a\":4,\"##b\":5}}}";

    /**
     * The models whose runtime has more to run than FFN layers, 6 to 16 KiB each (the bundles of
     * each layer start on a page): a Llama-like decoder
     * (grouped-query attention, gated SiLU, f16 bundles) with a low-rank predictor, read-ahead
     * factors, fill-in and a tokenizer.json; an OPT-like decoder (LayerNorm, learned positions, biases) with a trained
     * predictor and vocab.json + merges.txt; a BERT encoder with a low-rank predictor, fill-in and a
     * WordPiece tokenizer.
     */
    static List<RippleContents> runtimeModels() {
        RandomDecoders.Shape llama = RandomDecoders.Shape.llama()
                .with(b -> b.hidden(8)
                        .embedDim(8)
                        .ffn(12)
                        .layers(1)
                        .heads(2)
                        .kvHeads(1)
                        .vocab(5)
                        .positions(8));
        RippleContents l = RandomDecoders.generate(llama, 31, DType.F16).contents();
        StoredPredictors.withFillIn(StoredPredictors.withAhead(StoredPredictors.withLowRank(l, 32, 2), 34, 2), 33);
        l.addBlob("tokenizer.json", WORD_LEVEL.getBytes(StandardCharsets.UTF_8));

        RandomDecoders.Shape opt = RandomDecoders.Shape.opt()
                .with(b -> b.hidden(8)
                        .embedDim(8)
                        .ffn(12)
                        .layers(2)
                        .heads(2)
                        .kvHeads(2)
                        .vocab(6)
                        .positions(6));
        RippleContents o = RandomDecoders.generate(opt, 41, DType.F32).contents();
        StoredPredictors.withTrained(o, 42, 3);
        o.addBlob(
                "vocab.json",
                "{\"a\":0,\"b\":1,\"ab\":2,\"\u0120\":3,\"\u0120ab\":4,\"</s>\":5}".getBytes(StandardCharsets.UTF_8));
        o.addBlob("merges.txt", "#version: 0.2\na b\n\u0120 ab\n".getBytes(StandardCharsets.UTF_8));

        RippleContents e = RandomEncoders.generate(new RandomEncoders.Shape(8, 12, 2, 2, 6, 4), 51, DType.F32)
                .contents();
        StoredPredictors.withFillIn(StoredPredictors.withLowRank(e, 52, 2), 53);
        e.addBlob("tokenizer.json", WORD_PIECE.getBytes(StandardCharsets.UTF_8));
        return List.of(l, o, e);
    }

    private static byte[] written(RippleContents c) throws IOException {
        Path p = Files.createTempFile("seed", ".ripple");
        try {
            RippleFileWriter.write(p, c);
            return Files.readAllBytes(p);
        } finally {
            Files.deleteIfExists(p);
        }
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void openVerifyAndReadEverything(byte[] input) throws IOException {
        ModedInput in = ModedInput.of(input);
        if (in == null) {
            return;
        }
        byte[] file = in.flag() ? resealIfPossible(in.bytes()) : in.bytes();
        Path p = FuzzScratch.write("fuzz.ripple", file);
        try (RippleFile f = RippleFile.open(p)) {
            readEverything(f);
            f.verify();
            run(p, options(input[0], f), (input[0] & 64) != 0 ? DType.F16 : DType.F32);
        } catch (RippleFormatException | MissingPredictorException expected) {
            // the typed refusals are the contract
        } catch (IOException e) {
            throw new UncheckedIOException("an untyped I/O error escaped the reader or the runtime", e);
        }
    }

    /**
     * The runtime options the mode byte picks for {@code f} (see the class comment): a small cache,
     * so that both hits and reads happen; the stored predictor only when {@code f} stores one.
     */
    static RuntimeOptions options(byte mode, RippleFile f) {
        PredictorKind predictor = PredictorKind.DENSE;
        if ((mode & 4) != 0) {
            predictor = LowRankPredictor.isStoredIn(f)
                    ? PredictorKind.LOWRANK
                    : TrainedPredictor.isStoredIn(f) ? PredictorKind.TRAINED : PredictorKind.DENSE;
        }
        String policy = List.of("none", "lru", "s3fifo", "linking").get((mode >> 3) & 3);
        long bundle =
                f.layers().stream().mapToLong(l -> l.spec().bundleBytes()).max().orElse(0);
        return RuntimeOptions.defaults()
                .withReader((mode & 2) != 0 ? ReaderKind.POSITIONAL : ReaderKind.MMAP)
                .withQueueDepth(2)
                .withPredictor(predictor)
                .withCacheBytes(CacheSettings.defaults(policy), 4 * bundle)
                .withFillIn((mode & 32) == 0);
    }

    /**
     * Opens {@code p} as a model and runs everything an app would: each FFN layer on one token and
     * on two, the tokenizer, the decoder (a step, then two tokens) or the encoder (a few ids), all
     * with small finite inputs and ids inside the model's vocabulary and context.
     */
    private static void run(Path p, RuntimeOptions options, DType kv) throws IOException {
        try (RippleModel m = RippleModel.open(p, options)) {
            for (int l = 0; l < m.layerCount(); l++) {
                int d = m.ffn(l).section().spec().dModel();
                float[] x = input(d, l);
                float[] y = input(d, l + 1);
                m.prefetch(l, y); // read ahead from another input, as decode does from the layer input
                m.forward(l, x, new float[d]);
                m.forwardAll(l, new float[][] {x, y}, 2, new float[2][d]);
            }
            tokenize(m);
            Optional<DecoderModel> decoder = m.decoder();
            if (decoder.isPresent()) {
                decode(decoder.get(), kv);
            }
            Optional<EncoderModel> encoder = m.encoder();
            if (encoder.isPresent()) {
                EncoderModel e = encoder.get();
                int n = Math.min(3, e.config().maxPositions());
                int vocab = e.config().vocabSize();
                if (n > 0 && vocab > 0) {
                    int[] ids = new int[n];
                    for (int i = 0; i < n; i++) {
                        ids[i] = (i * 7 + 1) % vocab;
                    }
                    e.embed(ids);
                }
            }
        }
    }

    private static void decode(DecoderModel d, DType kv) {
        int vocab = d.config().vocabSize();
        int context = Math.min(3, d.config().maxPositions());
        try (Session s = d.newSession(context, kv)) {
            d.decode(s, vocab - 1);
            if (context >= 3) {
                d.prefill(s, new int[] {0, 1 % vocab});
            }
        }
    }

    private static void tokenize(RippleModel m) throws IOException {
        Tokenizer t;
        try {
            t = m.tokenizer().orElse(null);
        } catch (TokenizerFormatException expected) {
            return;
        }
        if (t == null) {
            return;
        }
        try {
            int[] ids = t.encode("a b ab <s>");
            t.decode(ids, false);
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (!TokenizerRefusals.documented(e)) {
                throw e;
            }
        }
    }

    /** {@code n} finite values in [-1, 1], different for each {@code salt}. */
    private static float[] input(int n, int salt) {
        float[] x = new float[n];
        for (int k = 0; k < n; k++) {
            x[k] = (float) Math.sin(0.7 * k + 1.3 * salt + 0.1);
        }
        return x;
    }

    /** Touches everything a runtime or {@code ripple inspect} reads from an opened file. */
    private static void readEverything(RippleFile f) throws RippleFormatException {
        f.version();
        f.metadata();
        f.architecture();
        f.provenance();
        for (FfnLayerSection layer : f.layers()) {
            int[] slots = layer.slotToNeuron();
            layer.neuronToSlot();
            if (slots.length > 0) {
                long last = layer.bundleOffset(slots.length - 1);
                f.mapped().asSlice(last, layer.spec().bundleBytes()).toArray(ValueLayout.JAVA_BYTE);
            }
        }
        for (SectionEntry e : f.tensors()) {
            f.tensor(e.name()).orElseThrow().toFloatArray();
        }
        for (String blob : f.blobNames()) {
            f.blob(blob);
        }
    }

    /**
     * Recomputes the checksums when the directory can be walked; a directory that cannot be
     * walked is left as it is, and the reader must refuse it by itself.
     */
    private static byte[] resealIfPossible(byte[] file) {
        if (file.length < RippleFormat.HEADER_BYTES + RippleFormat.FOOTER_BYTES) {
            return file;
        }
        byte[] copy = file.clone();
        try {
            return Reseal.reseal(copy);
        } catch (IndexOutOfBoundsException | IllegalArgumentException | BufferUnderflowException e) {
            return file;
        }
    }
}
