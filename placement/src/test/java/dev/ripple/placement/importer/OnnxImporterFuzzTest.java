package dev.ripple.placement.importer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.FuzzScratch;
import dev.ripple.core.testing.ModedInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the ONNX importer: arbitrary bytes must import or fail with
 * {@link ModelFormatException} / {@link UnsupportedModelException}; any other exception, an
 * {@link OutOfMemoryError} (the fuzzing JVM has a small heap) or a hang is a finding. Complements
 * the seeded {@link OnnxFuzzTest}, whose mutations are blind.
 *
 * <p>The first input byte picks the path: odd runs the full BERT import from a file
 * ({@link OnnxImporter#importModel}: protobuf decoding, FFN matching, the BERT structure matcher
 * and resident tensors), even runs the FFN-only import of the parsed bytes. Seeds are generated
 * FFN models in every exporter style and a small BERT, each for both paths.
 */
class OnnxImporterFuzzTest {

    static Stream<byte[]> seeds() {
        Stream.Builder<byte[]> seeds = Stream.builder();
        int seed = 0;
        for (GeneratedFfnModel.Style style : GeneratedFfnModel.Style.values()) {
            byte[] model = new GeneratedFfnModel(style, 2, 5, 4, 6, seed, seed % 2 == 0).bytes;
            seeds.add(ModedInput.seed(seed % 2, model));
            seed++;
        }
        byte[] bert = GeneratedBertTest.bertBytes(new HashMap<>());
        return seeds.add(ModedInput.seed(0, bert)).add(ModedInput.seed(1, bert)).build();
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void importArbitraryBytes(byte[] input) {
        ModedInput in = ModedInput.of(input);
        if (in == null) {
            return;
        }
        byte[] model = in.bytes();
        try {
            if (in.flag()) {
                OnnxImporter.importModel(FuzzScratch.write("fuzz.onnx", model), DType.F16);
            } else {
                OnnxImporter.ffnsOf(OnnxModel.parse(Path.of("fuzz.onnx"), model), DType.F32);
            }
        } catch (ModelFormatException | UnsupportedModelException expected) {
            // the typed refusal is the contract
        } catch (IOException e) {
            throw new UncheckedIOException("an untyped I/O error escaped the importer", e);
        }
    }
}
