package dev.ripple.placement.synthetic;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.synthetic.SyntheticDecoder.RopeScaling;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX Runtime on the exported graph agrees with {@link DecoderReference}, a plain double-precision
 * forward written in this test package from the Hugging Face semantics: the first position (one token,
 * nothing cached: embeddings, norms, FFN, head) and every later position of a 12-token sequence
 * (attention, causal mask, RoPE and its scaling, GQA), within 1e-4 of the largest logit. Weights at
 * {@code initStd} 1/sqrt(d) make attention sharp enough that a wrong rotation or mask shows. With F16
 * and BF16 checkpoints the reference reads the stored (rounded) values, so the graph must hold exactly those.
 */
class SyntheticReferenceTest {
    static final int T = 12;

    @TempDir
    Path dir;

    static Stream<Arguments> variants() {
        SyntheticDecoder llama = SyntheticDecoder.tinyLlama().withInitStd(0.125);
        return Stream.of(
                Arguments.of("opt pre-LN", SyntheticDecoder.tinyOpt().withInitStd(0.125), "F32"),
                Arguments.of(
                        "opt pre-LN, realistic scale, planted sparsity",
                        SyntheticDecoder.tinyOpt().withActiveFraction(0.2),
                        "F32"),
                Arguments.of(
                        "opt post-LN + project_in/out",
                        SyntheticDecoder.tinyOptPostLn().withInitStd(0.125),
                        "F32"),
                Arguments.of(
                        "opt post-LN + project_in/out, F16 stored",
                        SyntheticDecoder.tinyOptPostLn().withInitStd(0.125),
                        "F16"),
                Arguments.of(
                        "llama silu GQA untied, llama3 rope scaling",
                        llama.withRopeTheta(500000).withRopeScaling(new RopeScaling(8, 1, 4, 64)),
                        "F32"),
                Arguments.of("llama silu GQA untied", llama, "F32"),
                Arguments.of(
                        "qwen2 q/k/v bias tied", SyntheticDecoder.tinyQwen2().withInitStd(0.125), "F32"),
                Arguments.of(
                        "qwen2 q/k/v bias tied, BF16 stored",
                        SyntheticDecoder.tinyQwen2().withInitStd(0.125),
                        "BF16"),
                Arguments.of("llama relu", llama.withHiddenAct("relu"), "F32"),
                Arguments.of("llama fatrelu", llama.withHiddenAct("fatrelu").withActiveFraction(0.3), "F32"),
                Arguments.of(
                        "llama drelu",
                        llama.withHiddenAct("drelu").withActiveFraction(0.2).withClusters(8),
                        "F32"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void ortMatchesThePlainJavaForward(String name, SyntheticDecoder spec, String dtype) throws Exception {
        ExportedCheckpoint model = ExportedCheckpoint.write(dir, spec.withSeed(3), dtype, 1);
        int[] ids = SyntheticOrtDecoderTest.randomIds(spec.vocabSize(), T, 17);
        double[][] expected =
                new DecoderReference(spec.withSeed(3), model.hf().resolve("model.safetensors")).logits(ids);
        try (OrtDecoder ort = OrtDecoder.open(model.onnx(), 1)) {
            float[] first = ort.prefill(new int[] {ids[0]});
            assertClose(expected[0], first, name + ": first position, one token");
            ort.reset();
            float[][] all = ort.prefillAll(ids);
            for (int t = 0; t < T; t++) {
                assertClose(expected[t], all[t], name + ": position " + t);
            }
        }
    }

    static void assertClose(double[] expected, float[] actual, String what) {
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(scale > 0.1, what + ": logits too small to compare: " + scale);
        assertTrue(diff <= 1e-4 * scale, what + ": max difference " + diff + " against max |logit| " + scale);
    }
}
