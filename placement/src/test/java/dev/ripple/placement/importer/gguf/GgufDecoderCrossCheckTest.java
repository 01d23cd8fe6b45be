package dev.ripple.placement.importer.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.model.decoder.DecoderConfig.Rotation;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.importer.SafetensorsImporter;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A generated Llama and a generated Qwen2, written as Hugging Face checkpoints, converted to GGUF
 * the way llama.cpp converts them ({@link HfToGguf}: q/k rows permuted for {@code llama}, dims
 * reversed, names mapped), imported from both files and run from flash through {@code RippleModel}:
 * the logits after an 8-token prompt and after each of 16 decode steps agree within 1e-4 relative.
 * Recording the other rotation convention breaks that agreement by orders of magnitude, so the
 * test tells the conventions apart: {@code llama} files rotate adjacent pairs, {@code qwen2} files
 * halves.
 *
 * <p>Quantized files (Q8_0, Q4_0 matrices) are compared twice: with a checkpoint holding exactly
 * the values the quantized file stands for (matrices decoded by the format's formulas; the resident
 * ones are kept as the file's blocks and computed on as such), within 1e-4 again, and
 * with the original float model, within the error the quantization itself makes (see
 * {@link #QUANTIZED_ERROR_FACTOR}).
 */
class GgufDecoderCrossCheckTest {
    static final int PROMPT = 8;
    static final int STEPS = 16;
    static final double TOLERANCE = 1e-4;
    /**
     * Quantized files against the original model: the logits' relative error may be at most this
     * many times the weights' relative RMS error. Each logit is a sum of many products whose
     * weight errors are independent and unbiased, so a model's relative output error is of the
     * order of its weights' (measured here: about 1.9 times over these two layers, embeddings and
     * head); 3 leaves room for the seed without letting a wrong decoding through (a wrong
     * decoding gives errors of order 1, not of order the quantization step).
     */
    static final double QUANTIZED_ERROR_FACTOR = 3.0;

    @TempDir
    Path dir;

    static Stream<Arguments> variants() {
        // Weights of std 0.1 rather than 0.02: attention is then far from uniform, so positions (and the
        // rotation convention) change the logits strongly.
        SyntheticDecoder llama = SyntheticDecoder.tinyLlama().withInitStd(0.1);
        SyntheticDecoder qwen2 = SyntheticDecoder.tinyQwen2().withInitStd(0.1);
        return Stream.of(
                Arguments.of("llama f32", llama, "llama", "F32", GgmlType.F32),
                Arguments.of("llama f16", llama, "llama", "F16", GgmlType.F16),
                Arguments.of(
                        "llama 3.1 rope scaling (rope_freqs.weight)",
                        llama.withRopeScaling(new SyntheticDecoder.RopeScaling(8, 1, 4, 8192)),
                        "llama",
                        "F32",
                        GgmlType.F32),
                Arguments.of("qwen2 f32", qwen2, "qwen2", "F32", GgmlType.F32),
                Arguments.of("qwen2 bf16", qwen2, "qwen2", "BF16", GgmlType.BF16));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void ggufImportGivesTheCheckpointsLogits(
            String name, SyntheticDecoder spec, String arch, String dtype, GgmlType type) throws Exception {
        ConvertedCheckpoint converted = ConvertedCheckpoint.write(dir, spec.withSeed(31), dtype, arch, type);
        Path hf = converted.hf();
        Path gguf = converted.gguf();
        DType bundles = DType.ofLabel(dtype);
        ImportedModel fromGguf = GgufImporter.importModel(gguf, bundles);
        Rotation expected = arch.equals("llama") ? Rotation.ADJACENT : Rotation.HALF;
        assertEquals(
                expected.label(),
                fromGguf.architecture().path("rope").path("rotation").asText());
        ImportedModel fromHf = SafetensorsImporter.importModel(hf, bundles);
        // The same configuration, rope scaling included (it barely moves logits at these positions).
        ObjectNode a = fromGguf.architecture();
        ObjectNode b = fromHf.architecture();
        for (String key : List.of(
                "type",
                "hiddenSize",
                "intermediateSize",
                "numLayers",
                "numHeads",
                "numKeyValueHeads",
                "headDim",
                "vocabSize",
                "maxPositions",
                "normEps",
                "preNorm",
                "slidingWindow")) {
            assertEquals(b.get(key), a.get(key), name + ": " + key);
        }
        assertEquals(b.path("rope").path("theta"), a.path("rope").path("theta"), name + ": rope theta");
        assertEquals(b.path("rope").path("scaling"), a.path("rope").path("scaling"), name + ": rope scaling");
        int[] prompt = new Random(5).ints(PROMPT, 0, spec.vocabSize()).toArray();
        List<float[]> reference = run(write("hf.ripple", fromHf), prompt);
        List<float[]> actual = run(write("gguf.ripple", fromGguf), prompt);
        double worst = 0;
        for (int i = 0; i < reference.size(); i++) {
            double rel = relativeError(reference.get(i), actual.get(i));
            assertTrue(rel < TOLERANCE, name + ", step " + i + ": relative error " + rel);
            worst = Math.max(worst, rel);
        }
        // The other convention on the same weights is far off: the test can tell them apart.
        Rotation other = expected == Rotation.ADJACENT ? Rotation.HALF : Rotation.ADJACENT;
        List<float[]> wrong = run(write("wrong.ripple", withRotation(fromGguf, other)), prompt);
        double wrongError = 0;
        for (int i = 0; i < reference.size(); i++) {
            wrongError = Math.max(wrongError, relativeError(reference.get(i), wrong.get(i)));
        }
        System.out.printf(
                Locale.ROOT,
                "%s: logits within %.2e of the checkpoint's; with %s rotation %.3f%n",
                name,
                worst,
                other.label(),
                wrongError);
        assertTrue(
                wrongError > 100 * TOLERANCE,
                name + ": with " + other.label() + " rotation the logits are still within " + wrongError);
    }

    static Stream<Arguments> quantized() {
        return Stream.of(
                Arguments.of("llama q8_0", SyntheticDecoder.tinyLlama(), "llama", GgmlType.Q8_0),
                Arguments.of("llama q4_0", SyntheticDecoder.tinyLlama(), "llama", GgmlType.Q4_0),
                Arguments.of("qwen2 q8_0", SyntheticDecoder.tinyQwen2(), "qwen2", GgmlType.Q8_0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quantized")
    void quantizedFilesGiveTheLogitsOfTheValuesTheyHold(String name, SyntheticDecoder spec, String arch, GgmlType type)
            throws Exception {
        ConvertedCheckpoint converted = ConvertedCheckpoint.write(dir, spec.withSeed(37), "F32", arch, type);
        Path hf = converted.hf();
        Path gguf = converted.gguf();
        // The values the file holds, decoded here by the format's formulas; the resident matrices too,
        // which the runtime computes on as the file's blocks.
        double[] err = new double[2];
        Path held = dir.resolve("held");
        HfToGguf.copyWithMatrices(hf, held, (tensor, v) -> {
            float[] q = GgmlEncoder.implied(type, v);
            for (int i = 0; i < v.length; i++) {
                err[0] += (double) (q[i] - v[i]) * (q[i] - v[i]);
                err[1] += (double) v[i] * v[i];
            }
            return q;
        });
        double weightError = Math.sqrt(err[0] / err[1]);
        int[] prompt = new Random(9).ints(PROMPT, 0, spec.vocabSize()).toArray();
        List<float[]> actual = run(write("gguf.ripple", GgufImporter.importModel(gguf, DType.F32)), prompt);
        List<float[]> exact = run(write("held.ripple", SafetensorsImporter.importModel(held, DType.F32)), prompt);
        List<float[]> original = run(write("hf.ripple", SafetensorsImporter.importModel(hf, DType.F32)), prompt);
        double worst = 0;
        for (int i = 0; i < actual.size(); i++) {
            double rel = relativeError(exact.get(i), actual.get(i));
            assertTrue(
                    rel < TOLERANCE,
                    name + ", step " + i + ": relative error " + rel + " against the values the file holds");
            worst = Math.max(worst, relativeError(original.get(i), actual.get(i)));
        }
        System.out.printf(
                Locale.ROOT,
                "%s: weights %.4f relative RMS error, logits at most %.4f from the float model%n",
                name,
                weightError,
                worst);
        assertTrue(
                worst < QUANTIZED_ERROR_FACTOR * weightError,
                name + ": logits " + worst + " from the float model, " + "weights " + weightError);
    }

    private Path write(String name, ImportedModel m) throws Exception {
        Path p = dir.resolve(name);
        RippleFileWriter.write(p, m.toContents());
        return p;
    }

    private static ImportedModel withRotation(ImportedModel m, Rotation r) {
        ObjectNode a = m.architecture();
        ((ObjectNode) a.get("rope")).put("rotation", r.label());
        return new ImportedModel(
                m.source(),
                a,
                m.tensors(),
                m.layers(),
                m.activationOutputs(),
                m.ffnInputs(),
                m.blobs(),
                m.checkpointStamp());
    }

    /** Logits after the prompt and after each greedy decode step (dense, from flash). */
    static List<float[]> run(Path file, int[] prompt) throws Exception {
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(ReaderKind.POSITIONAL)
                .withPredictor(PredictorKind.DENSE)
                .withCache("lru", 0.2);
        List<float[]> out = new ArrayList<>();
        try (RippleModel m = RippleModel.open(file, options)) {
            DecoderModel model = m.decoder().orElseThrow();
            try (Session s = model.newSession(PROMPT + STEPS + 1)) {
                float[] logits = model.prefill(s, prompt).logits();
                out.add(logits);
                for (int i = 0; i < STEPS; i++) {
                    // a fixed continuation, the same for every file compared
                    logits = model.decode(s, (prompt[i % PROMPT] + 7 * i) % logits.length)
                            .logits();
                    out.add(logits);
                }
            }
        }
        return out;
    }

    static double relativeError(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double num = 0;
        double den = 0;
        for (int i = 0; i < expected.length; i++) {
            num += (double) (actual[i] - expected[i]) * (actual[i] - expected[i]);
            den += (double) expected[i] * expected[i];
        }
        return Math.sqrt(num / den);
    }
}
