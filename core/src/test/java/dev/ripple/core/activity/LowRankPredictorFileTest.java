package dev.ripple.core.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
        Random r = new Random(21);
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

    @Test
    void aStoredRuleItCannotPredictIsRefusedNamingTheFile() throws Exception {
        Path file = write("topk.ripple", factors(), TopKRule.ofCount(10));
        try (RippleFile f = RippleFile.open(file)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> LowRankPredictor.read(f, Float.NaN));
            assertEquals(file + ": the low-rank predictor needs a threshold rule, not top-k 10", e.getMessage());
        }
    }
}
