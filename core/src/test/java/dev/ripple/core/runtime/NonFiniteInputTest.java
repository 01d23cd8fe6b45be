package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.core.testing.StoredPredictors;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An FFN input holding a NaN or an infinity gives NaN everywhere, whatever the predictor. Before,
 * on this ReLU model, every predictor hid a NaN input: the low-rank and trained ones predicted no
 * neuron (the output was the mean fill-in), the dense one gave the biases (ReLU read NaN as 0).
 * Tokens of the same prefill with finite inputs are not touched.
 */
class NonFiniteInputTest {
    private static final int D = 32;
    private static final int N = 128;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(PredictorKind.class)
    void aNonFiniteInputGivesNanOutWhateverThePredictor(PredictorKind kind) throws Exception {
        Path file = dir.resolve("m.ripple");
        RippleContents c = RandomModels.model(11, 2, D, N, Activation.RELU, false, DType.F32);
        StoredPredictors.withFillIn(StoredPredictors.withTrained(StoredPredictors.withLowRank(c, 12, 4), 13, 16), 14);
        RippleFileWriter.write(file, c);
        float[] nan = new float[D];
        Arrays.fill(nan, Float.NaN);
        float[] oneNan = RandomModels.randomFloats(new Random(1), D, 1f);
        oneNan[D / 2] = Float.NaN;
        float[] oneInfinity = RandomModels.randomFloats(new Random(2), D, 1f);
        oneInfinity[3] = Float.NEGATIVE_INFINITY;
        float[] finite = RandomModels.randomFloats(new Random(3), D, 1f);
        try (RippleModel m = RippleModel.open(file, RuntimeOptions.defaults().withPredictor(kind))) {
            assertTrue(m.ffn(0).fillIn(), "fill-in on: the output a NaN used to hide behind");
            for (int layer = 0; layer < 2; layer++) {
                for (float[] x : new float[][] {nan, oneNan, oneInfinity}) {
                    float[] out = new float[D];
                    TokenStats s = m.ffn(layer).forward(x, out);
                    assertAllNan(out, kind + " layer " + layer + " on " + Arrays.toString(x));
                    assertEquals(0, s.predicted(), "no neuron predicted, nothing read, for a faulty input");
                    assertEquals(0, s.bytesRead());
                }
                float[] alone = new float[D];
                m.ffn(layer).forward(finite, alone);
                float[][] outs = new float[3][D];
                m.ffn(layer).forwardAll(new float[][] {finite, oneNan, finite}, 3, outs);
                assertArrayEquals(alone, outs[0], kind + ": a finite token of the prefill");
                assertAllNan(outs[1], kind + ": the faulty token of the prefill");
                assertArrayEquals(alone, outs[2], kind + ": a finite token of the prefill");
            }
        }
    }

    /** The dense reference propagates a NaN as PyTorch does: ReLU(NaN) is NaN, not 0. */
    @Test
    void theMappedReferenceGivesNanForANanInput() throws Exception {
        Path file = dir.resolve("m.ripple");
        RippleFileWriter.write(file, RandomModels.model(11, 1, D, N, Activation.RELU, false, DType.F32));
        float[] oneNan = RandomModels.randomFloats(new Random(1), D, 1f);
        oneNan[D / 2] = Float.NaN;
        float[] finite = RandomModels.randomFloats(new Random(3), D, 1f);
        try (RippleFile f = RippleFile.open(file)) {
            MappedFfn ffn = MappedFfn.of(f);
            float[] out = new float[D];
            ffn.forward(0, oneNan, out);
            assertAllNan(out, "one token");
            float[] alone = new float[D];
            ffn.forward(0, finite, alone);
            float[][] outs = new float[3][D];
            ffn.forwardAll(0, new float[][] {finite, oneNan, finite}, 3, outs);
            assertArrayEquals(alone, outs[0], "a finite token of the prefill");
            assertAllNan(outs[1], "the faulty token of the prefill");
            assertArrayEquals(alone, outs[2], "a finite token of the prefill");
        }
    }

    private static void assertAllNan(float[] out, String what) {
        for (int i = 0; i < out.length; i++) {
            assertTrue(Float.isNaN(out[i]), what + ": output " + i + " is " + out[i] + ", not NaN");
        }
    }
}
