package dev.ripple.placement.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.testing.ChildJvm;
import dev.ripple.placement.importer.SafetensorsFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer streams: a child JVM whose heap is far smaller than the model, and than its largest
 * tensor, writes it; the values read back are the generated ones, also past 2 GiB into a file.
 */
class SyntheticWriterHeapTest {
    @TempDir
    Path dir;

    /** 110 M parameters (442 MB of F32, a 131 MB embedding) written with a 48 MiB heap. */
    @Test
    void writesAModelMuchLargerThanItsHeap() throws Exception {
        String[] args = {dir.toString(), "F32", "1", "1", "2048", "5632", "16", "4", "16000"};
        SyntheticDecoder spec = WriteCheckpointMain.spec(args);
        long bytes = spec.parameterCount() * 4;
        assertTrue(bytes > 400L << 20, "the model is " + bytes + " bytes");
        run("-Xmx48m", args);
        SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"));
        assertEquals(
                bytes,
                f.entries().values().stream()
                        .mapToLong(SafetensorsFile.Entry::length)
                        .sum());
        for (String name : List.of("model.layers.0.mlp.gate_proj.weight", "model.norm.weight")) {
            assertArrayEquals(SyntheticTensors.generate(spec, name), f.read(name), name);
        }
        assertLastRow(f, spec, "lm_head.weight", 4);
    }

    /**
     * Llama-2-7B's full shape in BF16 (13.5 GB, two shards of more than 2 GiB each) with a 128 MiB heap;
     * the tensors at the end of each shard, beyond 2^31 bytes, read back as generated.
     */
    @Test
    @Tag("slow")
    void writesA7bShapedModelWithASmallHeap() throws Exception {
        String[] args = {dir.toString(), "BF16", "2", "llama2_7b"};
        SyntheticDecoder spec = WriteCheckpointMain.spec(args);
        run("-Xmx128m", args);
        long total = 0;
        for (int i = 1; i <= 2; i++) {
            SafetensorsFile f = SafetensorsFile.open(dir.resolve("model-0000" + i + "-of-00002.safetensors"));
            SafetensorsFile.Entry last = null;
            for (SafetensorsFile.Entry e : f.entries().values()) {
                total += e.length();
                if (last == null || e.offset() > last.offset()) {
                    last = e;
                }
            }
            assertTrue(last.offset() > Integer.MAX_VALUE, last.name() + " starts at " + last.offset());
            assertLastRow(f, spec, last.name(), 2);
        }
        assertEquals(spec.parameterCount() * 2, total);
        assertTrue(Files.readString(dir.resolve("model.safetensors.index.json"), StandardCharsets.UTF_8)
                .contains("\"total_size\": " + total));
    }

    /** The stored last row of {@code name} (width 4 = F32, 2 = BF16) equals the generated one. */
    private static void assertLastRow(SafetensorsFile f, SyntheticDecoder spec, String name, int width)
            throws IOException {
        SafetensorsFile.Entry e = f.entries().get(name);
        SyntheticTensors.Planned plan = SyntheticTensors.plan(spec).stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow();
        float[] row = new float[plan.rowLength()];
        SyntheticTensors.Rows rows = plan.open();
        for (int r = 0; r < plan.rowCount(); r++) {
            rows.next(row);
        }
        ByteBuffer b = ByteBuffer.allocate(row.length * width).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(f.file())) {
            long at = e.offset() + e.length() - b.capacity();
            while (b.hasRemaining()) {
                at += ch.read(b, at);
            }
        }
        for (int j = 0; j < row.length; j++) {
            float stored = width == 4 ? b.getFloat(4 * j) : Float.intBitsToFloat((b.getShort(2 * j) & 0xFFFF) << 16);
            float expected =
                    width == 4 ? row[j] : Float.intBitsToFloat((SyntheticDecoderWriter.toBf16(row[j]) & 0xFFFF) << 16);
            assertEquals(expected, stored, name + " last row [" + j + "]");
        }
    }

    private static void run(String heap, String[] args) throws IOException, InterruptedException {
        String out = ChildJvm.run(Duration.ofMinutes(20), List.of(heap), WriteCheckpointMain.class, args);
        System.out.print(out);
        try (Stream<Path> s = Files.list(Path.of(args[0]))) {
            assertTrue(s.noneMatch(x -> x.getFileName().toString().contains(".tmp-")), "temporary files left");
        }
    }
}
