package dev.ripple.bench.jmh;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.bert.EncoderModel;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole BERT encoder forward on one passage of {@code tokens} tokens from a {@code .ripple}
 * file that {@code ripple bench} or {@code ripple place} wrote (e.g. MiniLM): to profile where the
 * forward's time goes and to measure a kernel change, without the bench's profiling and placement
 * around it. Token ids are random in the vocabulary: the dense forward's cost does not depend on
 * them. {@code mapped-dense}: every FFN neuron computed on the mapped bundles (weights in DRAM, as
 * ONNX Runtime has them); {@code flash-lowrank}: the low-rank predictor, fill-in, direct reads and
 * a cache of 10% of the FFN bytes, as {@code ripple bench}'s forward runs.
 *
 * <pre>./ripple jmh EncoderBenchmark -p file=ripple-work/bench-rippleplus.ripple</pre>
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EncoderBenchmark extends ForkedBenchmark {

    /** A BERT-family {@code .ripple} file (required). */
    @Param({""})
    public String file;

    @Param({"mapped-dense", "flash-lowrank"})
    public String mode;

    @Param({"32"})
    public int tokens;

    private RippleFile mapped;
    private RippleModel flash;
    private EncoderModel encoder;
    private int[] ids;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path path = Path.of(file);
        if (file.isEmpty() || !Files.isRegularFile(path)) {
            throw new IllegalArgumentException(
                    "EncoderBenchmark needs -p file=F.ripple (a BERT-family file), not '" + file + "'");
        }
        switch (mode) {
            case "mapped-dense" -> {
                mapped = RippleFile.open(path);
                encoder = EncoderModel.load(mapped, MappedFfn.of(mapped));
            }
            case "flash-lowrank" -> {
                flash = RippleModel.open(
                        path,
                        RuntimeOptions.defaults()
                                .withPredictor(PredictorKind.LOWRANK)
                                .withCache("linking", 0.1));
                encoder = flash.encoder().orElseThrow(() -> new IllegalArgumentException(file + ": not an encoder"));
            }
            default -> throw new IllegalArgumentException("mode " + mode + ": mapped-dense or flash-lowrank");
        }
        Random rnd = new Random(tokens);
        int vocab = encoder.config().vocabSize();
        ids = new int[tokens];
        for (int t = 0; t < tokens; t++) {
            ids[t] = t == 0 ? 101 : t == tokens - 1 ? 102 : 1000 + rnd.nextInt(vocab - 1000);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (flash != null) {
            flash.close();
        }
        if (mapped != null) {
            mapped.close();
        }
    }

    @Benchmark
    public float[] embed() {
        return encoder.embed(ids);
    }
}
