package dev.ripple.placement.importer.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming GGUF writer: what it writes reads back through {@link GgufFile} (metadata of each
 * type it writes, tensors encoded from floats by core's ggml rounding or given as blocks, custom
 * alignment), byte for byte what the test writer ({@link GgufTestWriter}, the reader tests' source
 * of files) writes for the same contents; tensors whose data does not match their dims are refused
 * by name and leave no file behind.
 */
class GgufWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesWhatTheReaderReadsAndWhatTheTestWriterWrites() throws IOException {
        Random r = new Random(12);
        float[] f32 = gaussian(r, 3 * 64);
        float[] f16 = gaussian(r, 64 * 2);
        float[] q8 = gaussian(r, 64 * 5);
        float[] q4 = gaussian(r, 96 * 3);
        byte[] q4k = GgufImporterTest.Blocks.random(GgmlType.Q4_K, 2, 256, r).bytes();
        for (int alignment : new int[] {32, 64}) {
            GgufWriter w = new GgufWriter();
            GgufTestWriter t = new GgufTestWriter();
            if (alignment != 32) {
                w.alignment(alignment);
                t.alignment(alignment);
            }
            w.put("general.architecture", "llama")
                    .putU32("llama.block_count", 7)
                    .putI32("x.i32", -3)
                    .putU64("x.u64", 1L << 40)
                    .putF32("x.f32", 0.5)
                    .putBool("x.bool", true)
                    .putStrings("x.strings", "a", "▁b", "")
                    .putFloats("x.floats", 1.5f, -2f)
                    .putInts("x.ints", 1, -1, 6);
            t.putString("general.architecture", "llama")
                    .putU32("llama.block_count", 7)
                    .put("x.i32", GgufValueType.INT32, -3L)
                    .put("x.u64", GgufValueType.UINT64, 1L << 40)
                    .putF32("x.f32", 0.5)
                    .putBool("x.bool", true)
                    .putStrings("x.strings", "a", "▁b", "")
                    .putFloats("x.floats", 1.5f, -2f)
                    .putInts("x.ints", 1, -1, 6);
            w.tensor("f32", GgmlType.F32, 64, 3)
                    .tensor("f16", GgmlType.F16, 64, 2)
                    .tensor("q8", GgmlType.Q8_0, 64, 5)
                    .tensor("q4", GgmlType.Q4_0, 96, 3)
                    .tensor("q4k", GgmlType.Q4_K, 256, 2);
            t.tensor("f32", GgmlType.F32, new long[] {64, 3}, f32)
                    .tensor("f16", GgmlType.F16, new long[] {64, 2}, f16)
                    .tensor("q8", GgmlType.Q8_0, new long[] {64, 5}, core(DType.Q8_0, q8))
                    .tensor("q4", GgmlType.Q4_0, new long[] {96, 3}, core(DType.Q4_0, q4))
                    .tensor("q4k", GgmlType.Q4_K, new long[] {256, 2}, q4k);
            Path file = dir.resolve("w" + alignment + ".gguf");
            long size = w.write(file, (info, out) -> {
                switch (info.name()) {
                    case "f32" -> out.putValues(f32, 0, f32.length);
                    case "f16" -> {
                        for (int row = 0; row < 2; row++) {
                            out.putValues(f16, row * 64, 64); // row by row
                        }
                    }
                    case "q8" -> out.putValues(q8, 0, q8.length);
                    case "q4" -> out.putValues(q4, 0, q4.length);
                    case "q4k" -> out.putBytes(q4k, 0, q4k.length);
                    default -> throw new AssertionError(info.name());
                }
            });
            byte[] written = Files.readAllBytes(file);
            assertEquals(size, written.length);
            assertArrayEquals(t.toBytes(), written, "alignment " + alignment + ": the same bytes as the test writer");

            try (GgufFile g = GgufFile.open(file)) {
                assertEquals(3, g.version());
                assertEquals(alignment, g.alignment());
                assertEquals("llama", g.getString("general.architecture"));
                assertEquals(7, g.getInt("llama.block_count"));
                assertArrayEquals(new String[] {"a", "▁b", ""}, g.getStrings("x.strings"));
                assertArrayEquals(new int[] {1, -1, 6}, g.getInts("x.ints"));
                assertArrayEquals(f32, g.findTensor("f32").orElseThrow().toFloatArray());
                assertArrayEquals(
                        decoded(DType.Q8_0, q8),
                        g.findTensor("q8").orElseThrow().toFloatArray());
                assertArrayEquals(
                        decoded(DType.Q4_0, q4),
                        g.findTensor("q4").orElseThrow().toFloatArray());
                assertArrayEquals(
                        new long[] {256, 2}, g.findTensor("q4k").orElseThrow().dims());
                for (GgufTensor x : g.tensors()) {
                    assertEquals(0, x.offset() % alignment, x.name());
                }
            }
        }
    }

    @Test
    void dataThatDoesNotMatchTheDimsIsRefusedByName() throws IOException {
        Path file = dir.resolve("bad.gguf");
        GgufWriter w = new GgufWriter().tensor("short", GgmlType.F16, 64, 2);
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> w.write(file, (info, out) -> out.putValues(new float[64], 0, 64)));
        assertTrue(
                e.getMessage().contains("tensor 'short': 128 bytes written")
                        && e.getMessage().contains("take 256"),
                e.getMessage());
        assertFalse(Files.exists(file), "nothing at the destination");
        IllegalStateException k = assertThrows(
                IllegalStateException.class,
                () -> new GgufWriter()
                        .tensor("k", GgmlType.Q4_K, 256)
                        .write(file, (info, out) -> out.putValues(new float[256], 0, 256)));
        assertTrue(k.getMessage().contains("Q4_K is not encoded here"), k.getMessage());
        IllegalArgumentException blocks =
                assertThrows(IllegalArgumentException.class, () -> new GgufWriter().tensor("q", GgmlType.Q4_0, 48, 2));
        assertTrue(
                blocks.getMessage().contains("tensor 'q': rows of 48 values are not whole Q4_0 blocks"),
                blocks.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new GgufWriter().tensor("t", GgmlType.F32, 4).tensor("t", GgmlType.F32, 4));
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter().tensor("z", GgmlType.F32, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter().tensor("x".repeat(64), GgmlType.F32, 4));
    }

    private static byte[] core(DType type, float[] x) {
        byte[] b = new byte[(int) type.bytes(x.length)];
        Quantization.encode(type, x, 0, x.length, MemorySegment.ofArray(b), 0);
        return b;
    }

    private static float[] decoded(DType type, float[] x) {
        float[] out = new float[x.length];
        Quantization.decode(type, MemorySegment.ofArray(core(type, x)), 0, out, 0, x.length);
        return out;
    }

    private static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 0.1);
        }
        return x;
    }

    static byte[] bytes(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_BYTE);
    }
}
