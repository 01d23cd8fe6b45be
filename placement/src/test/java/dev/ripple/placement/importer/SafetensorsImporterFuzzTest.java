package dev.ripple.placement.importer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.FuzzScratch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the safetensors importer with its config.json: arbitrary
 * input must import or fail with {@link ModelFormatException} / {@link UnsupportedModelException};
 * any other exception, an {@link OutOfMemoryError} (the fuzzing JVM has a small heap) or a hang
 * is a finding.
 *
 * <p>One input holds both files: a big-endian two-byte length, that many bytes of config.json,
 * then the {@code model.safetensors} bytes. Seeds are the generated OPT and Llama checkpoints of
 * {@link SafetensorsImporterTest} in F32, F16 and BF16. Sharded checkpoints (an index file naming
 * several shards) are not fuzzed; their index is JSON checked the same way as config.json.
 */
class SafetensorsImporterFuzzTest {

    static Stream<byte[]> seeds() throws IOException {
        Stream.Builder<byte[]> seeds = Stream.builder();
        Path tmp = Files.createTempFile("seed", ".safetensors");
        try {
            for (String dtype : new String[] {"F32", "F16", "BF16"}) {
                SafetensorsImporterTest.opt(7).write(tmp, dtype);
                seeds.add(frame(SafetensorsImporterTest.configJson(true), Files.readAllBytes(tmp)));
                SafetensorsImporterTest.llama(11).write(tmp, dtype);
                seeds.add(frame(SafetensorsImporterTest.configJson(false), Files.readAllBytes(tmp)));
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return seeds.build();
    }

    /** One fuzz input from a config and a safetensors file. */
    static byte[] frame(String config, byte[] safetensors) {
        byte[] c = config.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[2 + c.length + safetensors.length];
        b[0] = (byte) (c.length >>> 8);
        b[1] = (byte) c.length;
        System.arraycopy(c, 0, b, 2, c.length);
        System.arraycopy(safetensors, 0, b, 2 + c.length, safetensors.length);
        return b;
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void importArbitraryCheckpoint(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int configLength = Math.min(((input[0] & 0xFF) << 8) | (input[1] & 0xFF), input.length - 2);
        FuzzScratch.write("config.json", Arrays.copyOfRange(input, 2, 2 + configLength));
        FuzzScratch.write("model.safetensors", Arrays.copyOfRange(input, 2 + configLength, input.length));
        try {
            SafetensorsImporter.importModel(FuzzScratch.dir(), DType.F16);
        } catch (ModelFormatException | UnsupportedModelException expected) {
            // the typed refusal is the contract
        } catch (IOException e) {
            throw new UncheckedIOException("an untyped I/O error escaped the importer", e);
        }
    }
}
