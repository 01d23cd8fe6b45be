package dev.ripple.placement.importer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.FuzzScratch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
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
            seeds.add(withMode(seed % 2, model));
            seed++;
        }
        byte[] bert = GeneratedBertTest.bertBytes(new HashMap<>());
        return seeds.add(withMode(0, bert)).add(withMode(1, bert)).build();
    }

    static byte[] withMode(int mode, byte[] bytes) {
        byte[] b = new byte[bytes.length + 1];
        b[0] = (byte) mode;
        System.arraycopy(bytes, 0, b, 1, bytes.length);
        return b;
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void importArbitraryBytes(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] model = Arrays.copyOfRange(input, 1, input.length);
        try {
            if ((input[0] & 1) != 0) {
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
