package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.io.reader.ReaderKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Prefill ({@link FlashFfn#forwardAll}) reads the union of a sequence's active neurons once and
 * must compute what token-by-token calls compute.
 */
class SequenceForwardTest {
    private static final int LAYERS = 2;
    private static final int D = 24;
    private static final int NEURONS = 150;
    private static final int TOKENS = 7;

    @TempDir
    static Path dir;

    static Path file;
    static TracePredictor sets;
    static float[][] inputs;

    @BeforeAll
    static void writeModel() throws Exception {
        file = dir.resolve("model.ripple");
        RippleFileWriter.write(file, RandomModels.model(99, LAYERS, D, NEURONS, Activation.GELU, false, DType.F32));
        Random rnd = new Random(5);
        List<List<int[]>> perLayer = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            List<int[]> tokens = new ArrayList<>();
            for (int t = 0; t < TOKENS; t++) {
                TreeSet<Integer> set = new TreeSet<>();
                int size = t == 3 ? 0 : 5 + rnd.nextInt(30); // one token with nothing active
                while (set.size() < size) {
                    set.add(rnd.nextInt(NEURONS));
                }
                tokens.add(set.stream().mapToInt(Integer::intValue).toArray());
            }
            perLayer.add(tokens);
        }
        sets = new TracePredictor(perLayer);
        inputs = new float[TOKENS][];
        for (int t = 0; t < TOKENS; t++) {
            inputs[t] = RandomModels.randomFloats(rnd, D, 1f);
        }
    }

    @ParameterizedTest(name = "{0} cache")
    @ValueSource(strings = {"none", "lru", "linking", "window"})
    void sequenceEqualsTokenByToken(String policy) throws Exception {
        RuntimeOptions options = RippleModelTest.predictedOnly(ReaderKind.POSITIONAL, policy, 0.2);
        float[][] one = new float[TOKENS][D];
        float[][] all = new float[TOKENS][D];
        // Each replay keeps its own cursors, so each model replays the sets from the start.
        try (RippleModel byToken = RippleModel.open(file, options, new TracePredictor(sets.sets()), null);
                RippleModel bySequence = RippleModel.open(file, options, new TracePredictor(sets.sets()), null)) {
            for (int l = 0; l < LAYERS; l++) {
                for (int t = 0; t < TOKENS; t++) {
                    byToken.forward(l, inputs[t], one[t]);
                }
                TokenStats s = bySequence.ffn(l).forwardAll(inputs, TOKENS, all);
                for (int t = 0; t < TOKENS; t++) {
                    // same bundles, same order; only the rounding of four-token kernels differs
                    double err = RandomModels.relativeError(all[t], one[t]);
                    assertTrue(err < 1e-6, policy + " layer " + l + " token " + t + ": relative error " + err);
                }
                TreeSet<Integer> union = new TreeSet<>();
                long sum = 0;
                for (int t = 0; t < TOKENS; t++) {
                    for (int i : sets.sets().get(l).get(t)) {
                        union.add(i);
                    }
                    sum += sets.sets().get(l).get(t).length;
                }
                assertEquals(TOKENS, s.tokens());
                assertEquals(union.size(), s.predicted(), "the union is needed once");
                assertEquals(sum, s.tokenPredictions());
                assertTrue(s.readOps() <= union.size());
            }
            assertEquals(LAYERS, bySequence.stats().calls());
            assertEquals((long) LAYERS * TOKENS, bySequence.stats().tokenCalls());
            assertEquals(byToken.stats().tokenPredictions(), bySequence.stats().tokenPredictions());
            assertTrue(
                    bySequence.stats().readOps() <= byToken.stats().readOps(),
                    "one read of the union never costs more operations than one read per token");
        }
    }

    @Test
    void mismatchedOutputsAreRefused() throws Exception {
        RuntimeOptions options =
                RuntimeOptions.defaults().withReader(ReaderKind.POSITIONAL).withCache("none", 0);
        try (RippleModel m = RippleModel.open(file, options, sets, null)) {
            assertThrows(IllegalArgumentException.class, () -> m.ffn(0).forwardAll(inputs, TOKENS, new float[2][D]));
        }
    }
}
