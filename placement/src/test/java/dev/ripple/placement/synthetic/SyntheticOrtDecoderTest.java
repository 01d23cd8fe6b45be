package dev.ripple.placement.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.synthetic.SyntheticDecoder.RopeScaling;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exported graph keeps its KV cache right: for every family variant, a prefill of N tokens then
 * K single steps (and a chunked prefill) give the logits of one prefill over the N + K tokens.
 */
public class SyntheticOrtDecoderTest {
    static final int N = 7;
    static final int K = 5;
    static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    /**
     * Every variant the exporter implements, with the dtype and shard count it is written with; the
     * Java decoder is checked against ONNX Runtime on the same list (DecoderOrtCrossCheckTest).
     */
    public static Stream<Arguments> variants() {
        SyntheticDecoder llama = SyntheticDecoder.tinyLlama().withInitStd(0.1);
        return Stream.of(
                Arguments.of("opt pre-LN", SyntheticDecoder.tinyOpt().withInitStd(0.1), "F32", 1),
                Arguments.of(
                        "opt post-LN + project_in/out",
                        SyntheticDecoder.tinyOptPostLn().withInitStd(0.1),
                        "F16",
                        2),
                Arguments.of(
                        "opt planted sparsity + clusters",
                        SyntheticDecoder.tinyOpt()
                                .withInitStd(0.1)
                                .withActiveFraction(0.1)
                                .withClusters(8),
                        "BF16",
                        1),
                Arguments.of("llama silu GQA untied", llama, "F32", 1),
                Arguments.of("llama MHA tied", llama.withDims(64, 256, 4, 4).withTieWordEmbeddings(true), "F32", 3),
                Arguments.of(
                        "qwen2 q/k/v bias tied", SyntheticDecoder.tinyQwen2().withInitStd(0.1), "BF16", 1),
                Arguments.of("llama relu", llama.withHiddenAct("relu"), "F32", 1),
                Arguments.of("llama fatrelu", llama.withHiddenAct("fatrelu").withActiveFraction(0.2), "F16", 1),
                Arguments.of(
                        "llama drelu",
                        llama.withHiddenAct("drelu").withActiveFraction(0.1).withClusters(16),
                        "F32",
                        1),
                Arguments.of(
                        "llama3 rope scaling",
                        llama.withRopeTheta(500000).withRopeScaling(new RopeScaling(8, 1, 4, 64)),
                        "F32",
                        1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void prefillThenStepsEqualsOnePrefill(String name, SyntheticDecoder spec, String dtype, int shards)
            throws Exception {
        Path onnx =
                ExportedCheckpoint.write(dir, spec.withSeed(11), dtype, shards).onnx();
        int[] ids = randomIds(spec.vocabSize(), N + K, 5);
        try (OrtDecoder ort = OrtDecoder.open(onnx, 1)) {
            assertEquals(spec.numLayers(), ort.numLayers());
            assertEquals(spec.vocabSize(), ort.vocabSize());
            float[][] whole = ort.prefillAll(ids);
            assertEquals(N + K, ort.position());

            ort.reset();
            assertEquals(0, ort.position());
            float[] last = ort.prefill(Arrays.copyOf(ids, N));
            assertEquals(N, ort.position());
            assertClose(whole[N - 1], last, name + ": prefill's last position");
            for (int k = 0; k < K; k++) {
                float[] step = ort.next(ids[N + k]);
                assertClose(whole[N + k], step, name + ": step " + k);
            }

            ort.reset();
            float[][] first = ort.prefillAll(Arrays.copyOf(ids, 3));
            float[][] rest = ort.prefillAll(Arrays.copyOfRange(ids, 3, N + K));
            for (int i = 0; i < N + K; i++) {
                assertClose(whole[i], i < 3 ? first[i] : rest[i - 3], name + ": chunked prefill, position " + i);
            }
        }
    }

    @Test
    void positionsAndIdsAreChecked() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyOpt().withMaxPositions(8);
        Path onnx = ExportedCheckpoint.write(dir, spec, "F32", 1).onnx();
        try (OrtDecoder ort = OrtDecoder.open(onnx, 1)) {
            assertEquals(8, ort.maxPositions());
            assertThrows(IllegalArgumentException.class, () -> ort.prefill(new int[] {1, 512}));
            assertThrows(IllegalArgumentException.class, () -> ort.prefill(new int[0]));
            assertEquals(0, ort.position(), "a refused call leaves the cache as it was");
            float[] a = ort.prefill(new int[] {1, 2, 3, 4, 5, 6, 7});
            ort.next(8);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ort.next(9));
            assertTrue(e.getMessage().contains("exceeds the model's 8 positions"), e.getMessage());
            assertEquals(8, ort.position());
            ort.reset();
            assertArrayEquals(a, ort.prefill(new int[] {1, 2, 3, 4, 5, 6, 7}), "reset gives the same sequence again");
        }
    }

    static int[] randomIds(int vocab, int n, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(vocab);
        }
        return ids;
    }

    /** {@code max|a - b| <= 1e-4 · max|expected|}. */
    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(scale > 0, what + ": all-zero logits");
        assertTrue(diff <= TOLERANCE * scale, what + ": max difference " + diff + " against max |logit| " + scale);
    }
}
