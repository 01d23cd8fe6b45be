package dev.ripple.placement.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Sampler;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.importer.SafetensorsImporter;
import dev.ripple.placement.synthetic.ExportedCheckpoint;
import dev.ripple.placement.synthetic.OrtDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticOrtDecoderTest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java decoder against an independent reference: generated Hugging Face checkpoints of every
 * family variant, imported into {@code .ripple} files and run from flash (dense predictor, direct
 * path through reader, cache and executor), compared with ONNX Runtime running the same weights
 * as a graph of standard operators with its own KV cache: logits after the prompt and after each
 * of 32 decode steps, and the greedy continuations of both, decided independently.
 */
class DecoderOrtCrossCheckTest {
    static final int PROMPT = 8;
    static final int STEPS = 32;
    static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    static Stream<Arguments> variants() {
        return SyntheticOrtDecoderTest.variants();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void logitsAndGreedyContinuationsMatchOnnxRuntime(String name, SyntheticDecoder spec, String dtype, int shards)
            throws Exception {
        ExportedCheckpoint model = ExportedCheckpoint.write(dir, spec.withSeed(23), dtype, shards);
        Path file = dir.resolve("model.ripple");
        // Bundles in the checkpoint's own type: the file then holds exactly the weights ONNX Runtime runs.
        RippleFileWriter.write(
                file,
                SafetensorsImporter.importModel(model.hf(), DType.ofLabel(dtype))
                        .toContents());
        int[] prompt = new Random(7).ints(PROMPT, 0, spec.vocabSize()).toArray();
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(ReaderKind.POSITIONAL)
                .withPredictor(PredictorKind.DENSE)
                .withCache("lru", 0.2);
        try (OrtDecoder ort = OrtDecoder.open(model.onnx(), 1);
                RippleModel m = RippleModel.open(file, options)) {
            DecoderModel javaModel = m.decoder().orElseThrow();
            try (Session s = javaModel.newSession(PROMPT + STEPS + 1)) {
                float[] expected = ort.prefill(prompt);
                float[] actual = javaModel.prefill(s, prompt).logits();
                assertClose(expected, actual, name + ", after the prompt");
                int[] javaGreedy = new int[STEPS];
                int[] ortGreedy = new int[STEPS];
                for (int i = 0; i < STEPS; i++) {
                    javaGreedy[i] = Sampler.greedy().sample(actual);
                    ortGreedy[i] = Sampler.greedy().sample(expected);
                    // Both sides continue with the Java choice, so every step compares the same inputs.
                    expected = ort.next(javaGreedy[i]);
                    actual = javaModel.decode(s, javaGreedy[i]).logits();
                    assertClose(expected, actual, name + ", decode step " + i);
                }
                assertArrayEquals(ortGreedy, javaGreedy, name + ": greedy continuations");
                long distinct = Arrays.stream(javaGreedy).distinct().count();
                assertTrue(
                        distinct >= 2,
                        name + ": a continuation that changes (" + distinct + " distinct tokens: "
                                + Arrays.toString(javaGreedy) + ")");
            }
            assertTrue(m.stats().readOps() > 0, "the FFN was read from the file");
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double num = 0;
        double den = 0;
        for (int i = 0; i < expected.length; i++) {
            num += (double) (actual[i] - expected[i]) * (actual[i] - expected[i]);
            den += (double) expected[i] * expected[i];
        }
        double rel = Math.sqrt(num / den);
        assertTrue(rel < TOLERANCE, what + ": relative error " + rel + " (limit " + TOLERANCE + ")");
    }
}
