package dev.ripple.placement.trace;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ripple.core.testing.FuzzScratch;
import dev.ripple.placement.predictor.AheadMoments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the trace reader: arbitrary bytes must read or fail with
 * {@link TraceFormatException}; any other exception, an {@link OutOfMemoryError} (the fuzzing JVM
 * has a small heap) or a hang is a finding. The CRC32C is checked only after everything is
 * parsed, so mutations reach every structural check without help. Seeds are small generated
 * traces, with and without inactive means.
 */
class TraceFilesFuzzTest {

    static Stream<byte[]> seeds() throws IOException {
        Stream.Builder<byte[]> seeds = Stream.builder();
        Path tmp = Files.createTempFile("seed", ".rtrace");
        try {
            int[][] shapes = {{1, 17}, {40}, {3, 70}};
            for (int i = 0; i < shapes.length; i++) {
                ActivationTrace.Builder t = TraceFilesTest.randomBuilder(i, shapes[i], 3 + i);
                if (i == 1) {
                    t.meanInactive(new float[][] {new float[40]});
                }
                if (i == 2) { // a seed with the input-moments (1.2) and ahead (1.3) blocks, so mutations reach their
                    // checks
                    float[] rows = new float[4 * 3];
                    float[] layerRows = new float[4 * 3];
                    for (int k = 0; k < rows.length; k++) {
                        rows[k] = k % 5 - 2;
                        layerRows[k] = k % 3 - 1;
                    }
                    List<AheadMoments> ahead = List.of(
                            AheadMoments.builder(3).add(rows, layerRows, 4).build(),
                            AheadMoments.builder(2).add(rows, layerRows, 6).build());
                    t.inputMoments(ahead.stream().map(AheadMoments::ffn).toList())
                            .aheadMoments(ahead);
                }
                TraceFiles.write(tmp, t.build());
                seeds.add(Files.readAllBytes(tmp));
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return seeds.build();
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void readArbitraryBytes(byte[] input) {
        Path p = FuzzScratch.write("fuzz.rtrace", input);
        try {
            ActivationTrace t = TraceFiles.read(p);
            for (int l = 0; l < t.layers(); l++) {
                for (int k = 0; k < t.tokens(l); k++) {
                    t.active(l, k).getCardinality();
                }
            }
            t.passageStarts();
            t.meanInactive();
            t.aheadMoments();
        } catch (TraceFormatException expected) {
            // the typed refusal is the contract
        } catch (IOException e) {
            throw new UncheckedIOException("an untyped I/O error escaped the reader", e);
        }
    }
}
