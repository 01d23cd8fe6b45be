package dev.ripple.placement.importer.gguf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ripple.core.format.BundleSource;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.FuzzScratch;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.importer.ModelFormatException;
import dev.ripple.placement.importer.UnsupportedModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the GGUF reader and importer: arbitrary bytes as a
 * {@code .gguf} file must open or fail with a {@link ModelFormatException}; when it opens, every
 * metadata array is decoded and every readable tensor dequantized; then the importer must give a
 * model or fail with {@link ModelFormatException} / {@link UnsupportedModelException}, and a model's
 * bundles (first and last neuron of each layer) and tokenizer must read. Anything else, an
 * {@link OutOfMemoryError} (the fuzzing JVM has a small heap) or a hang is a finding.
 *
 * <p>Seeds ({@link GgufFuzzSeeds}, also committed in {@code GgufImporterFuzzTestInputs}): micro
 * Llama (Q8_0 matrices, F16 embeddings, SentencePiece vocabulary, version 3) and Qwen2 (BF16
 * matrices, F32 embeddings and biases, byte-level vocabulary, version 2) models, a metadata file with every value type and nested arrays, a file
 * with one tensor of each readable quantized type, and damaged copies.
 */
class GgufImporterFuzzTest {

    static Stream<byte[]> seeds() throws IOException {
        return GgufFuzzSeeds.all().values().stream();
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void importArbitraryGguf(byte[] input) {
        Path p = FuzzScratch.write("model.gguf", input);
        try {
            try (GgufFile f = GgufFile.open(p)) {
                for (GgufValue v : f.metadata().values()) {
                    if (v instanceof GgufValue.ArrayValue a) {
                        a.values();
                    }
                }
                for (GgufTensor t : f.tensors()) {
                    if (t.type().isReadable() && t.elementCount() <= 1 << 20) {
                        t.toFloatArray();
                    }
                }
            }
            ImportedModel m = GgufImporter.importModel(p, DType.F16);
            float[] bundle = new float[0];
            for (BundleSource layer : m.layers()) {
                int n = layer.spec().dFfn();
                if (bundle.length < layer.spec().bundleElements()) {
                    bundle = new float[layer.spec().bundleElements()];
                }
                layer.bundleOf(0, bundle, 0);
                layer.bundleOf(n - 1, bundle, 0);
                layer.release();
            }
            for (var t : m.tensors()) {
                t.tensor().get(0);
            }
            if (m.blobs().containsKey("tokenizer.json")) {
                Tokenizer.fromJson(m.blobs().get("tokenizer.json"), m.blobs().get("tokenizer_config.json"));
            }
        } catch (ModelFormatException | UnsupportedModelException expected) {
            // the typed refusal is the contract
        } catch (IOException e) {
            throw new UncheckedIOException("an untyped I/O error escaped the GGUF reader or importer", e);
        }
    }
}
