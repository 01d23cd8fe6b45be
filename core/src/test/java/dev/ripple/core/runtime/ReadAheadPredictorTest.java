package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.FileFormatException.Problem;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.format.RippleFormat;
import dev.ripple.core.format.RippleFormatException;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.core.testing.StoredPredictors;
import dev.ripple.io.Extent;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The FFN's read-ahead predicts with the file's read-ahead factors (fitted to the layer input) when
 * the file stores them and the model runs the low-rank predictor it read; otherwise as before, with
 * the run's own predictor. Either way the output is the FFN's own prediction's, bit for bit.
 */
class ReadAheadPredictorTest {
    private static final int LAYERS = 2;
    private static final int D = 32;
    private static final int N = 200;

    @TempDir
    Path dir;

    /** A random model with a low-rank predictor, {@code more} applied, written to {@code name}. */
    private Path write(String name, UnaryOperator<RippleContents> more) throws IOException {
        RippleContents c = StoredPredictors.withLowRank(
                RandomModels.model(2024, LAYERS, D, N, Activation.GELU, true, DType.F32), 31, 4);
        Path file = dir.resolve(name);
        RippleFileWriter.write(file, more.apply(c));
        return file;
    }

    private Path withAhead() throws IOException {
        return write("ahead.ripple", c -> StoredPredictors.withAhead(c, 32, 4));
    }

    private Path withoutAhead() throws IOException {
        return write("plain.ripple", c -> c);
    }

    private static RuntimeOptions options(String policy, PredictorKind predictor) {
        return RippleModelTest.predictedOnly(ReaderKind.POSITIONAL, policy, 0.3).withPredictor(predictor);
    }

    /**
     * The bundles the read-ahead reads are those its predictor proposes for the layer input: with
     * read-ahead factors in the file, theirs ({@code lowrank-ahead}), which are not the low-rank
     * predictor's; without, the low-rank predictor's, as before they existed.
     */
    @ParameterizedTest(name = "read-ahead factors stored: {0}")
    @ValueSource(booleans = {true, false})
    void theReadAheadReadsWhatItsPredictorProposes(boolean stored) throws Exception {
        Path file = stored ? withAhead() : withoutAhead();
        List<RecordingReader> readers = Collections.synchronizedList(new ArrayList<>());
        Random rnd = new Random(5);
        int apart = 0;
        try (RippleModel m = RippleModel.open(file, options("none", PredictorKind.LOWRANK), null, null, (p, qd) -> {
            RecordingReader r = new RecordingReader(ReaderKind.POSITIONAL.open(p, qd));
            readers.add(r);
            return r;
        })) {
            ActivationPredictor ahead = m.readAheadPredictor().orElseThrow();
            if (stored) {
                assertEquals("lowrank-ahead", ahead.name());
            } else {
                assertSame(m.predictor(), ahead);
            }
            RecordingReader reader = readers.getFirst();
            for (int t = 0; t < 8; t++) {
                float[] guess = RandomModels.randomFloats(rnd, D, 1f);
                float[] x = RandomModels.randomFloats(rnd, D, 1f);
                for (int l = 0; l < LAYERS; l++) {
                    FfnLayerSection section = m.ffn(l).section();
                    SortedSet<Integer> proposed = slots(ahead, section, guess);
                    assertFalse(proposed.isEmpty(), "the test needs a read-ahead that reads");
                    reader.requests.clear();
                    m.prefetch(l, guess);
                    m.ffn(l).forward(x, new float[D]); // waits for the read-ahead before it reads
                    assertEquals(
                            proposed,
                            covered(reader.requests.getFirst(), section),
                            "layer " + l + " token " + t + ": the read-ahead's read");
                    apart += proposed.equals(slots(m.predictor(), section, guess)) ? 0 : 1;
                }
            }
        }
        if (stored) {
            assertTrue(apart > 8, "the read-ahead factors propose other bundles than the low-rank ones: " + apart);
        } else {
            assertEquals(0, apart);
        }
    }

    /**
     * Reading ahead with the read-ahead factors changes which bytes are read, never the output:
     * every token equals the same model's without read-ahead, bit for bit, its predicted set too.
     */
    @ParameterizedTest(name = "{0} cache")
    @ValueSource(strings = {"none", "lru"})
    void readingAheadWithTheAheadFactorsNeverChangesTheOutput(String policy) throws Exception {
        Path file = withAhead();
        Random rnd = new Random(9);
        long readAhead = 0;
        long plainRead = 0;
        try (RippleModel m = RippleModel.open(file, options(policy, PredictorKind.LOWRANK));
                RippleModel plain = RippleModel.open(file, options("none", PredictorKind.LOWRANK))) {
            assertEquals("lowrank-ahead", m.readAheadPredictor().orElseThrow().name());
            for (int t = 0; t < 10; t++) {
                float[] x = RandomModels.randomFloats(rnd, D, 1f);
                float[] guess = t % 2 == 0 ? x.clone() : RandomModels.randomFloats(rnd, D, 1f);
                for (int l = 0; l < LAYERS; l++) {
                    float[] expected = new float[D];
                    TokenStats reference = plain.ffn(l).forward(x, expected);
                    m.prefetch(l, guess);
                    float[] out = new float[D];
                    TokenStats s = m.ffn(l).forward(x, out);
                    assertArrayEquals(expected, out, policy + " layer " + l + " token " + t);
                    assertEquals(reference.predicted(), s.predicted());
                    readAhead += s.bytesRead();
                    plainRead += reference.bytesRead();
                }
            }
        }
        if (policy.equals("none")) {
            assertTrue(readAhead > plainRead, "the read-ahead read bundles: " + readAhead + " vs " + plainRead);
        }
    }

    /**
     * Which predictor reads ahead: the read-ahead factors only for the low-rank predictor the model
     * read; a dense or trained run keeps its own (the factors fit the low-rank one's rule and
     * margin); a caller's predictor keeps today's rule, itself when it predicts ahead, else none.
     */
    @Test
    void onlyALowRankRunReadsAheadWithTheReadAheadFactors() throws Exception {
        Path file = write("all.ripple", c -> StoredPredictors.withTrained(StoredPredictors.withAhead(c, 32, 4), 33, 8));
        try (RippleModel dense = RippleModel.open(file, options("none", PredictorKind.DENSE));
                RippleModel trained = RippleModel.open(file, options("none", PredictorKind.TRAINED));
                RippleModel lowRank = RippleModel.open(file, options("none", PredictorKind.LOWRANK));
                RippleModel callers =
                        RippleModel.open(file, options("none", PredictorKind.LOWRANK), lowRank.predictor(), null);
                RippleModel replay = RippleModel.open(
                        file,
                        options("none", PredictorKind.LOWRANK),
                        new TracePredictor(List.of(List.of(), List.of())),
                        null)) {
            assertSame(dense.predictor(), dense.readAheadPredictor().orElseThrow());
            assertSame(trained.predictor(), trained.readAheadPredictor().orElseThrow());
            assertEquals("trained", trained.readAheadPredictor().orElseThrow().name());
            assertEquals(
                    "lowrank-ahead", lowRank.readAheadPredictor().orElseThrow().name());
            assertNotEquals(lowRank.predictor(), lowRank.readAheadPredictor().orElseThrow());
            assertSame(lowRank.predictor(), callers.readAheadPredictor().orElseThrow());
            assertTrue(replay.readAheadPredictor().isEmpty(), "a replay keeps per-call state: no read-ahead");
        }
    }

    /**
     * A partial or misshaped set of read-ahead factors is refused when a low-rank run opens the
     * file, naming the tensor; a dense run does not read them (as it does not read the low-rank
     * factors) and opens it.
     */
    @Test
    void aDamagedSetOfReadAheadFactorsIsRefusedAtOpenNamingTheTensor() throws Exception {
        Path partial = write(
                "partial.ripple",
                c -> changed(
                        StoredPredictors.withAhead(c, 32, 4), t -> t.name().startsWith("ffn.1.ahead.") ? null : t));
        assertRefused(
                partial,
                "tensor " + RippleFormat.aheadTensor(1, "a"),
                "missing, though the file stores read-ahead factors");
        String residual = RippleFormat.aheadTensor(0, "residual");
        Path misshaped = write(
                "misshaped.ripple",
                c -> changed(
                        StoredPredictors.withAhead(c, 32, 4),
                        t -> t.name().equals(residual)
                                ? new ResidentTensor(residual, DType.F32, new long[] {N + 1}, new float[N + 1])
                                : t));
        assertRefused(
                misshaped,
                "tensor " + RippleFormat.aheadTensor(0, "residual"),
                "does not fit layer 0: expected [" + N + "]");
        try (RippleModel dense = RippleModel.open(misshaped, options("none", PredictorKind.DENSE))) {
            assertSame(dense.predictor(), dense.readAheadPredictor().orElseThrow());
        }
    }

    /** {@code c} with each tensor put through {@code change}: another tensor, itself, or null to drop it. */
    private static RippleContents changed(RippleContents c, UnaryOperator<ResidentTensor> change) {
        RippleContents out = new RippleContents().architecture(c.architecture()).provenance(c.provenance());
        c.layers().forEach(out::addLayer);
        c.blobs().forEach(out::addBlob);
        for (ResidentTensor t : c.tensors()) {
            ResidentTensor kept = change.apply(t);
            if (kept != null) {
                out.addTensor(kept);
            }
        }
        return out;
    }

    private static void assertRefused(Path file, String section, String detail) {
        RippleFormatException e = assertThrows(
                RippleFormatException.class, () -> RippleModel.open(file, options("none", PredictorKind.LOWRANK)));
        assertEquals(Problem.INCONSISTENT, e.problem());
        assertTrue(e.getMessage().startsWith(file + ": " + section + ": inconsistent: "), e.getMessage());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
    }

    /** The slots {@code p} predicts for {@code x} in {@code section}'s layer. */
    private static SortedSet<Integer> slots(ActivationPredictor p, FfnLayerSection section, float[] x) {
        IntArrayList neurons = new IntArrayList();
        p.predict(section.spec().index(), x, neurons);
        SortedSet<Integer> out = new TreeSet<>();
        neurons.forEach(i -> out.add(section.neuronToSlot()[i]));
        return out;
    }

    /** The slots of {@code section} whose whole bundle one of {@code extents} reads. */
    private static SortedSet<Integer> covered(List<Extent> extents, FfnLayerSection section) {
        int bundle = section.spec().bundleBytes();
        SortedSet<Integer> out = new TreeSet<>();
        for (int slot = 0; slot < section.spec().dFfn(); slot++) {
            long at = section.bundleOffset(slot);
            for (Extent e : extents) {
                if (e.offset() <= at && at + bundle <= e.offset() + e.length()) {
                    out.add(slot);
                }
            }
        }
        return out;
    }
}
