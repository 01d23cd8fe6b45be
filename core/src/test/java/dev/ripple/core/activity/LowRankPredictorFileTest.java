package dev.ripple.core.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.FileFormatException.Problem;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.format.RippleFormat;
import dev.ripple.core.format.RippleFormatException;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The low-rank predictor stored in a {@code .ripple} file predicts what the factors it was written
 * from predict under the stored rule, and a rule it cannot predict is refused naming the file.
 */
class LowRankPredictorFileTest {
    private static final int LAYERS = 2;
    private static final int D = 16;
    private static final int N = 60;
    private static final int RANK = 4;

    @TempDir
    Path dir;

    private static List<LowRankPredictor.Factors> factors() {
        return factors(21);
    }

    private static List<LowRankPredictor.Factors> factors(long seed) {
        Random r = new Random(seed);
        List<LowRankPredictor.Factors> out = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            out.add(new LowRankPredictor.Factors(
                    D,
                    RANK,
                    N,
                    RandomModels.randomFloats(r, D * RANK, 0.5f),
                    RandomModels.randomFloats(r, RANK * N, 0.5f),
                    RandomModels.randomFloats(r, N, 0.1f),
                    RandomModels.randomFloats(r, N, 0.1f),
                    Activation.GELU,
                    0f));
        }
        return out;
    }

    /** A model holding {@code factors}, its provenance naming {@code rule} as the placement pipeline does. */
    private Path write(String name, List<LowRankPredictor.Factors> factors, ActivityRule rule) throws Exception {
        RippleContents c = RandomModels.model(5, LAYERS, D, N, Activation.GELU, false, DType.F32);
        for (int l = 0; l < LAYERS; l++) {
            LowRankPredictor.tensors(l, factors.get(l)).forEach(c::addTensor);
        }
        ObjectNode prov = c.provenance();
        prov.set("activityRule", rule.toJson());
        c.provenance(prov);
        Path file = dir.resolve(name);
        RippleFileWriter.write(file, c);
        return file;
    }

    @Test
    void readBackItPredictsWhatItsFactorsPredictUnderTheStoredRule() throws Exception {
        List<LowRankPredictor.Factors> factors = factors();
        ThresholdRule rule = ThresholdRule.value(0.05f);
        LowRankPredictor memory = new LowRankPredictor(factors, rule, 1f);
        try (RippleFile f = RippleFile.open(write("lowrank.ripple", factors, rule))) {
            LowRankPredictor stored = LowRankPredictor.read(f, 1f);
            Random r = new Random(3);
            for (int t = 0; t < 20; t++) {
                int l = t % LAYERS;
                float[] x = RandomModels.randomFloats(r, D, 1f);
                IntArrayList a = new IntArrayList();
                IntArrayList b = new IntArrayList();
                memory.predict(l, x, a);
                stored.predict(l, x, b);
                assertEquals(a, b, "layer " + l + " token " + t);
            }
        }
    }

    /**
     * A valid file ('ripple place' after profiling with a top-k rule stores factors beside that rule)
     * whose rule the low-rank predictor cannot use: the caller's choice of predictor, not damage.
     */
    @Test
    void aStoredRuleItCannotPredictIsRefusedNamingTheFile() throws Exception {
        Path file = write("topk.ripple", factors(), TopKRule.ofCount(10));
        try (RippleFile f = RippleFile.open(file)) {
            MissingPredictorException e =
                    assertThrows(MissingPredictorException.class, () -> LowRankPredictor.read(f, Float.NaN));
            assertEquals(
                    file + ": has no low-rank predictor; its activity rule (top-k 10) is not a threshold rule, which"
                            + " the low-rank predictor needs; run with the dense or trained predictor",
                    e.getMessage());
        }
    }

    /**
     * A damaged stored predictor is a {@link RippleFormatException} naming the file and what is
     * wrong; each escaped {@code RippleModel.open} as an IllegalArgumentException before (the rule's
     * and the margin's without naming the file), found while extending the fuzz target to the runtime.
     */
    @Test
    void aDamagedStoredPredictorIsRefusedNamingTheFileAndTheProblem() throws Exception {
        List<LowRankPredictor.Factors> f = factors();
        assertRefused(
                writeWith("rule.ripple", f, p -> p.putObject("activityRule").put("rule", "act ~ 3")),
                "metadata",
                "provenance.activityRule: bad activity rule 'act ~ 3'");
        assertRefused(
                writeWith("margin.ripple", f, p -> p.putObject("predictor").put("margin", -1)),
                "metadata",
                "provenance.predictor.margin must be a number ≥ 0, got -1");
        assertRefused(
                writeWith("margin-text.ripple", f, p -> p.putObject("predictor").put("margin", "1.5")),
                "metadata",
                "provenance.predictor.margin must be a number ≥ 0, got \"1.5\"");
        assertRefused(
                writeWith("missing.ripple", List.of(f.get(0)), p -> {}),
                "tensor ffn.1.lowrank.a",
                "missing, though layer 0 stores a low-rank predictor");
        Path misfit = writeWith(
                "misfit.ripple",
                List.of(f.get(0)),
                p -> {},
                new ResidentTensor(
                        RippleFormat.lowRankTensor(1, "a"),
                        DType.F32,
                        new long[] {D, RANK},
                        f.get(1).a()),
                new ResidentTensor(
                        RippleFormat.lowRankTensor(1, "b"),
                        DType.F32,
                        new long[] {RANK, N},
                        f.get(1).b()),
                new ResidentTensor(
                        RippleFormat.lowRankTensor(1, "bias"), DType.F32, new long[] {N + 1}, new float[N + 1]),
                new ResidentTensor(
                        RippleFormat.lowRankTensor(1, "residual"),
                        DType.F32,
                        new long[] {N},
                        f.get(1).residualNorm()));
        assertRefused(misfit, "tensor ffn.1.lowrank.bias", "does not fit layer 1: expected [" + N + "]");
    }

    /**
     * The read-ahead factors are read by the same code under the same rule and margin: read back,
     * they predict what they were written from, not what the low-rank factors beside them predict.
     */
    @Test
    void storedReadAheadFactorsPredictWhatTheyWereWrittenFromUnderTheStoredRuleAndMargin() throws Exception {
        List<LowRankPredictor.Factors> lowRank = factors();
        List<LowRankPredictor.Factors> ahead = factors(22);
        ThresholdRule rule = ThresholdRule.value(0.05f);
        LowRankPredictor memory = new LowRankPredictor(ahead, rule, 0.7f);
        Path file =
                writeWith("ahead.ripple", lowRank, p -> p.putObject("predictor").put("margin", 0.7), ahead(ahead));
        try (RippleFile f = RippleFile.open(file)) {
            assertTrue(LowRankPredictor.isAheadStoredIn(f));
            LowRankPredictor stored =
                    LowRankPredictor.readAhead(f, Float.NaN, Arena.ofAuto()).orElseThrow();
            LowRankPredictor run = LowRankPredictor.read(f, Float.NaN);
            assertEquals("lowrank-ahead", stored.name());
            assertEquals("lowrank", run.name());
            assertEquals(0.7f, stored.margin());
            Random r = new Random(4);
            int differing = 0;
            for (int t = 0; t < 20; t++) {
                int l = t % LAYERS;
                float[] x = RandomModels.randomFloats(r, D, 1f);
                IntArrayList expected = new IntArrayList();
                IntArrayList got = new IntArrayList();
                IntArrayList lowRankSet = new IntArrayList();
                memory.predict(l, x, expected);
                stored.predict(l, x, got);
                run.predict(l, x, lowRankSet);
                assertEquals(expected, got, "layer " + l + " token " + t);
                differing += got.equals(lowRankSet) ? 0 : 1;
            }
            assertTrue(differing > 10, "the two sets of factors predict apart: " + differing + " of 20 differ");
        }
    }

    /** A file without read-ahead factors (every file written before them) has none: not an error. */
    @Test
    void aFileWithoutReadAheadFactorsHasNone() throws Exception {
        try (RippleFile f = RippleFile.open(writeWith("plain.ripple", factors(), p -> {}))) {
            assertFalse(LowRankPredictor.isAheadStoredIn(f));
            assertTrue(LowRankPredictor.readAhead(f, Float.NaN, Arena.ofAuto()).isEmpty());
        }
    }

    /**
     * A partial or misshaped set of read-ahead factors is damage, refused naming the tensor, as the
     * low-rank predictor's is: a layer without them, a part missing, a part of another shape.
     */
    @Test
    void aDamagedSetOfReadAheadFactorsIsRefusedNamingTheTensor() throws Exception {
        List<LowRankPredictor.Factors> f = factors();
        List<LowRankPredictor.Factors> ahead = factors(22);
        assertAheadRefused(
                writeWith("ahead-layer.ripple", f, p -> {}, ahead(ahead.subList(1, 2), 1)),
                "tensor ffn.0.ahead.a",
                "missing, though the file stores read-ahead factors");
        List<ResidentTensor> noResidual = new ArrayList<>(List.of(ahead(ahead)));
        noResidual.removeIf(t -> t.name().equals(RippleFormat.aheadTensor(1, "residual")));
        assertAheadRefused(
                writeWith("ahead-part.ripple", f, p -> {}, noResidual.toArray(ResidentTensor[]::new)),
                "tensor ffn.1.ahead.residual",
                "missing, though the file stores read-ahead factors");
        List<ResidentTensor> misfit = new ArrayList<>(List.of(ahead(ahead)));
        misfit.replaceAll(t -> t.name().equals(RippleFormat.aheadTensor(1, "b"))
                ? new ResidentTensor(t.name(), DType.F32, new long[] {RANK, N - 1}, new float[RANK * (N - 1)])
                : t);
        assertAheadRefused(
                writeWith("ahead-misfit.ripple", f, p -> {}, misfit.toArray(ResidentTensor[]::new)),
                "tensor ffn.1.ahead.b",
                "does not fit layer 1: expected [" + RANK + ", " + N + "]");
    }

    /** The read-ahead tensors of {@code factors}, layer by layer from layer {@code first}. */
    private static ResidentTensor[] ahead(List<LowRankPredictor.Factors> factors, int first) {
        List<ResidentTensor> out = new ArrayList<>();
        for (int l = 0; l < factors.size(); l++) {
            out.addAll(LowRankPredictor.aheadTensors(first + l, factors.get(l)));
        }
        return out.toArray(ResidentTensor[]::new);
    }

    private static ResidentTensor[] ahead(List<LowRankPredictor.Factors> factors) {
        return ahead(factors, 0);
    }

    /** Reading the read-ahead factors of {@code file} is refused as inconsistent in {@code section}, with {@code detail}. */
    private static void assertAheadRefused(Path file, String section, String detail) throws Exception {
        try (RippleFile f = RippleFile.open(file)) {
            assertTrue(LowRankPredictor.isAheadStoredIn(f), "a partial set is not taken for none");
            RippleFormatException e = assertThrows(
                    RippleFormatException.class, () -> LowRankPredictor.readAhead(f, Float.NaN, Arena.ofAuto()));
            assertEquals(Problem.INCONSISTENT, e.problem());
            assertTrue(e.getMessage().startsWith(file + ": " + section + ": inconsistent: "), e.getMessage());
            assertTrue(e.getMessage().contains(detail), e.getMessage());
        }
    }

    /** A model holding {@code factors} (for the first layers), the rule {@code act > 0.05}, {@code provenance} applied, then {@code extra}. */
    private Path writeWith(
            String name,
            List<LowRankPredictor.Factors> factors,
            Consumer<ObjectNode> provenance,
            ResidentTensor... extra)
            throws Exception {
        RippleContents c = RandomModels.model(5, LAYERS, D, N, Activation.GELU, false, DType.F32);
        for (int l = 0; l < factors.size(); l++) {
            LowRankPredictor.tensors(l, factors.get(l)).forEach(c::addTensor);
        }
        for (ResidentTensor t : extra) {
            c.addTensor(t);
        }
        ObjectNode prov = c.provenance();
        prov.set("activityRule", ThresholdRule.value(0.05f).toJson());
        provenance.accept(prov);
        c.provenance(prov);
        Path file = dir.resolve(name);
        RippleFileWriter.write(file, c);
        return file;
    }

    /** Reading the predictor of {@code file} is refused as inconsistent in {@code section}, with {@code detail}. */
    private static void assertRefused(Path file, String section, String detail) throws Exception {
        try (RippleFile f = RippleFile.open(file)) {
            RippleFormatException e =
                    assertThrows(RippleFormatException.class, () -> LowRankPredictor.read(f, Float.NaN));
            assertEquals(Problem.INCONSISTENT, e.problem());
            assertTrue(e.getMessage().startsWith(file + ": " + section + ": inconsistent: "), e.getMessage());
            assertTrue(e.getMessage().contains(detail), e.getMessage());
        }
    }
}
