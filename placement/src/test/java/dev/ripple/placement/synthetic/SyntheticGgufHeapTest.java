package dev.ripple.placement.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import dev.ripple.core.testing.ChildJvm;
import dev.ripple.placement.importer.gguf.GgufFile;
import dev.ripple.placement.importer.gguf.GgufTensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SyntheticGgufWriter} streams: a child JVM whose heap is smaller than the file, and than
 * its largest tensors, writes it (Llama 2 vocabulary included), and the head's first and last rows
 * are Q4_0 of the values generated here.
 */
class SyntheticGgufHeapTest {
    @TempDir
    Path dir;

    /** One layer of TinyLlama-1.1B's shape in Q4_0: 99 MB, an embedding and a head of 37 MB each, with a 64 MiB heap. */
    @Test
    void writesAGgufFileLargerThanItsHeap() throws Exception {
        Path out = dir.resolve("one-layer.gguf");
        String log = run("-Xmx64m", out, "Q4_0", "1");
        assertTrue(Files.size(out) > 90_000_000L, "larger than the heap: " + Files.size(out) + "; " + log);
        checkHead(out, WriteGgufMain.spec("1"));
    }

    /**
     * Llama-2-7B's shape in Q4_0 (3.8 GB, every tensor offset past 2^31 but the first few) with a
     * 128 MiB heap.
     */
    @Test
    @Tag("slow")
    void writesA7bShapedQ4_0FileWithASmallHeap() throws Exception {
        Path out = dir.resolve("llama-2-7b.Q4_0.gguf");
        String log = run("-Xmx128m", out, "Q4_0", "llama2_7b");
        System.out.println(log);
        assertTrue(Files.size(out) > 3_500_000_000L, "size " + Files.size(out));
        checkHead(out, WriteGgufMain.spec("llama2_7b"));
    }

    private static String run(String heap, Path out, String type, String shape) throws Exception {
        return ChildJvm.run(
                Duration.ofMinutes(30),
                List.of(heap, "--enable-native-access=ALL-UNNAMED"),
                WriteGgufMain.class,
                out.toString(),
                type,
                shape);
    }

    /** The head's first and last rows are Q4_0 of the generated rows. */
    private static void checkHead(Path file, SyntheticDecoder spec) throws Exception {
        int d = spec.hiddenSize();
        int vocab = spec.vocabSize();
        float[] first = new float[d];
        float[] row = new float[d];
        SyntheticTensors.Rows rows = SyntheticTensors.plan(spec).stream()
                .filter(p -> p.name().equals("lm_head.weight"))
                .findFirst()
                .orElseThrow()
                .open();
        for (int r = 0; r < vocab; r++) {
            rows.next(r == 0 ? first : row);
        }
        try (GgufFile g = GgufFile.open(file)) {
            assertEquals(spec.numLayers() * 9 + 3, g.tensors().size());
            assertEquals(32000, g.getStrings("tokenizer.ggml.tokens").length);
            GgufTensor head = g.findTensor("output.weight").orElseThrow();
            assertArrayEquals(new long[] {d, vocab}, head.dims());
            for (long r : new long[] {0, vocab - 1}) {
                byte[] blocks = new byte[(int) DType.Q4_0.bytes(d)];
                Quantization.encode(DType.Q4_0, r == 0 ? first : row, 0, d, MemorySegment.ofArray(blocks), 0);
                assertArrayEquals(
                        blocks,
                        head.data()
                                .asSlice(r * head.rowBytes(), head.rowBytes())
                                .toArray(ValueLayout.JAVA_BYTE),
                        "head row " + r);
            }
        }
    }
}
