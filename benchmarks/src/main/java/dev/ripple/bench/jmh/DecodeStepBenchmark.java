package dev.ripple.bench.jmh;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Generator;
import dev.ripple.core.model.decoder.Sampler;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One decode step of a whole decoder on generated weights (docs/SYNTHETIC.md): embeddings,
 * attention over the session's KV cache, norms, the FFN through the runtime ({@code flash}: the
 * {@code FlashFfn} of {@link RippleModel}, dense predictor, positional reads) or the mapped
 * bundles ({@code mapped}), the LM head, and the choice of the next token. Its purpose is
 * {@code -prof gc}: what a token allocates on the heap, which is garbage the decode loop makes
 * per token; the times are those of small generated models.
 *
 * <p>{@link #decodeGreedy} is {@link DecoderModel#decodeInto} (the logits into one array, reused
 * each step, as a generation loop does) and the greedy choice;
 * {@link #decodeSampled} the same with temperature, top-k, top-p and a repetition penalty over
 * the history; {@link #generate} one token of a {@link Generator.TokenStream} (greedy, no
 * detokenizer), whose records of the token and its cost are the caller's output. A session that
 * fills its context is reset (or its stream restarted), so every step attends over at most
 * {@code CONTEXT} positions.
 *
 * <pre>./ripple jmh DecodeStepBenchmark -prof gc</pre>
 */
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 3, time = 1)
public class DecodeStepBenchmark extends ForkedBenchmark {
    private static final int CONTEXT = 256;
    private static final int[] PROMPT = {1, 17, 42, 99};

    /**
     * {@code llama}: 2 layers, 256 wide, FFN 1024, 4 heads over 2 KV heads, vocabulary 4,000;
     * {@code opt}: 2 layers, 256 wide, FFN 1024, 4 heads, vocabulary 4,000, learned positions. Small,
     * so that a step takes about a millisecond and C2 has compiled it within the warm-up, yet wide
     * enough that the fused q/k/v projection and the LM head split their rows across the cores.
     */
    @Param({"llama", "opt"})
    public String family;

    @Param({"flash", "mapped"})
    public String ffn;

    /** The FFN bundles' type ({@code Q8_0}, {@code Q4_0}: the kernels on ggml blocks); the rest stays f16. */
    @Param({"F16"})
    public DType bundles;

    private Path dir;
    private RippleModel runtime;
    private DecoderModel model;
    private Session session;
    private int next;
    private float[] logits;
    private Sampler greedy;
    private Sampler sampled;
    private IntArrayList history;
    private Generator.TokenStream stream;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SyntheticDecoder shape = family.equals("opt")
                ? SyntheticDecoder.opt(2, 256, 1024, 4, 4000, 512)
                : SyntheticDecoder.llama(2, 256, 1024, 4, 2, 4000).withMaxPositions(512);
        dir = Files.createTempDirectory("decode-step");
        Path checkpoint = dir.resolve("checkpoint");
        SyntheticDecoderWriter.write(shape, checkpoint, "F16", 1);
        Path file = PreparedModel.of(checkpoint, dir.resolve("work"), bundles, l -> {})
                .file();
        runtime = RippleModel.open(
                file,
                RuntimeOptions.defaults().withPredictor(PredictorKind.DENSE).withReader(ReaderKind.POSITIONAL));
        model = ffn.equals("mapped")
                ? DecoderModel.load(runtime.file(), MappedFfn.of(runtime.file()))
                : runtime.decoder().orElseThrow();
        session = model.newSession(CONTEXT, DType.F32);
        logits = new float[model.config().vocabSize()];
        greedy = Sampler.greedy();
        sampled = new Sampler(new Sampler.Settings(0.8f, 40, 0.95f, 1.1f, 7L));
        history = new IntArrayList();
        restart();
    }

    private void restart() {
        session.reset();
        history.clear();
        history.addAll(PROMPT);
        next = greedy.sample(model.prefill(session, PROMPT).logits());
        stream = null;
    }

    @Benchmark
    public int decodeGreedy() {
        if (session.position() >= CONTEXT) {
            restart();
        }
        model.decodeInto(session, next, logits);
        next = greedy.sample(logits);
        return next;
    }

    @Benchmark
    public int decodeSampled() {
        if (session.position() >= CONTEXT) {
            restart();
        }
        model.decodeInto(session, next, logits);
        next = sampled.sample(logits, history);
        history.add(next);
        return next;
    }

    @Benchmark
    public Generator.Token generate() {
        if (stream == null || !stream.hasNext()) {
            session.reset();
            stream = Generator.stream(model, session, PROMPT, Generator.Options.greedy(CONTEXT - PROMPT.length), null);
        }
        return stream.next();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        session.close();
        runtime.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
