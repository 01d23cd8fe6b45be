package dev.ripple.placement.importer.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.testing.TestFiles;
import dev.ripple.placement.importer.ModelFormatException;
import dev.ripple.placement.importer.gguf.GgufTestWriter.Arr;
import dev.ripple.placement.importer.gguf.GgufValue.ArrayValue;
import dev.ripple.placement.importer.gguf.GgufValue.IntValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GGUF reader: metadata of every value type in versions 2 and 3 (arrays of arrays included),
 * tensor infos and alignment; and every kind of damage, each a {@link ModelFormatException} naming
 * the file and the field: old, new and big-endian versions, counts and lengths that cannot fit the
 * file, unknown type codes, bad dimensions, misaligned, overlapping or out-of-file tensor data,
 * duplicates, bad UTF-8; truncation at every offset and seeded random byte changes.
 */
class GgufFileTest {
    private static final long SEED = 1207L;

    @TempDir
    Path dir;

    /** The every-type version 3 file that the damage tests patch (each on a copy). */
    private byte[] base;

    /** Where each field of {@link #base} starts ({@link GgufTestWriter#offsets()}). */
    private Map<String, Long> offsets;

    @BeforeEach
    void writeBase() {
        GgufTestWriter w = everyType(3);
        base = w.toBytes();
        offsets = w.offsets();
    }

    /** A small file with one value of every type, nested arrays and two tensors. */
    static GgufTestWriter everyType(int version) {
        return new GgufTestWriter()
                .version(version)
                .put("u8", GgufValueType.UINT8, 200L)
                .put("i8", GgufValueType.INT8, -100L)
                .put("u16", GgufValueType.UINT16, 60000L)
                .put("i16", GgufValueType.INT16, -30000L)
                .put("u32", GgufValueType.UINT32, 4_000_000_000L)
                .put("i32", GgufValueType.INT32, -2_000_000_000L)
                .put("f32", GgufValueType.FLOAT32, 1e-5)
                .put("bool", GgufValueType.BOOL, true)
                .put("string", GgufValueType.STRING, "llama ▁ 🦙")
                .put("u64", GgufValueType.UINT64, -1L)
                .put("i64", GgufValueType.INT64, Long.MIN_VALUE)
                .put("f64", GgufValueType.FLOAT64, Math.PI)
                .putStrings("strings", "a", "", "▁b", "<0x0A>")
                .putFloats("floats", 0f, -1.5f, 3e38f)
                .putInts("ints", 1, -2, 3)
                .putArray("bools", Arr.of(GgufValueType.BOOL, true, false))
                .putArray("empty", Arr.of(GgufValueType.UINT64))
                .putArray(
                        "nested",
                        Arr.of(
                                GgufValueType.ARRAY,
                                Arr.of(GgufValueType.STRING, "x", "yz"),
                                Arr.of(
                                        GgufValueType.ARRAY,
                                        Arr.of(GgufValueType.INT16, 7L, -7L),
                                        Arr.of(GgufValueType.FLOAT64)),
                                Arr.of(GgufValueType.UINT8, 1L, 2L, 255L)))
                .tensor("a.weight", GgmlType.F32, new long[] {4, 3}, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
                })
                .tensor("b.weight", GgmlType.F16, new long[] {2}, new float[] {0.5f, -2f});
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void readsEveryValueTypeAndNestedArrays(int version) throws IOException {
        Path p = write("every.gguf", everyType(version).toBytes());
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(version, f.version());
            assertEquals(200, f.getInt("u8"));
            assertEquals(-100, f.getInt("i8"));
            assertEquals(60000, f.getInt("u16"));
            assertEquals(-30000, f.getInt("i16"));
            assertEquals(4_000_000_000L, f.getLong("u32"));
            assertEquals(-2_000_000_000, f.getInt("i32"));
            assertEquals(1e-5f, (float) f.getDouble("f32"));
            assertTrue(f.getBoolean("bool"));
            assertEquals("llama ▁ 🦙", f.getString("string"));
            assertEquals(Math.PI, f.getDouble("f64"));
            assertEquals(Long.MIN_VALUE, f.getLong("i64"));
            assertFalse(((IntValue) f.value("u64").orElseThrow()).fitsLong());
            assertEquals(
                    "uint64 18446744073709551615", f.value("u64").orElseThrow().describe());
            assertArrayEquals(new String[] {"a", "", "▁b", "<0x0A>"}, f.getStrings("strings"));
            assertArrayEquals(new float[] {0f, -1.5f, 3e38f}, f.getFloats("floats"));
            assertArrayEquals(new int[] {1, -2, 3}, f.getInts("ints"));
            assertArrayEquals(new boolean[] {true, false}, f.getArray("bools").booleans());
            assertEquals(0, f.getArray("empty").size());
            ArrayValue nested = f.getArray("nested");
            assertEquals(GgufValueType.ARRAY, nested.elementType());
            List<ArrayValue> outer = nested.arrays();
            assertEquals(3, outer.size());
            assertArrayEquals(new String[] {"x", "yz"}, outer.get(0).strings());
            List<ArrayValue> inner = outer.get(1).arrays();
            assertArrayEquals(new long[] {7, -7}, inner.get(0).longs());
            assertEquals(0, inner.get(1).doubles().length);
            assertArrayEquals(new long[] {1, 2, 255}, outer.get(2).longs());
            assertEquals(3, nested.values().size());
            assertEquals(32, f.alignment());
            assertEquals(0, f.dataOffset() % 32);
            GgufTensor a = f.tensor("a.weight");
            assertArrayEquals(new long[] {4, 3}, a.dims());
            assertArrayEquals(new long[] {3, 4}, a.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, a.toFloatArray());
            assertArrayEquals(new float[] {0.5f, -2f}, f.tensor("b.weight").toFloatArray());
            assertEquals(0, f.tensor("b.weight").offset() % 32);
            assertEquals(
                    List.of("a.weight", "b.weight"),
                    f.tensors().stream().map(GgufTensor::name).toList());
        }
    }

    @Test
    void typedGettersNameTheKey() throws IOException {
        Path p = write("every.gguf", everyType(3).toBytes());
        try (GgufFile f = GgufFile.open(p)) {
            assertRefused(p, () -> f.getInt("missing"), "metadata 'missing'", "missing");
            assertRefused(p, () -> f.getString("u32"), "metadata 'u32'", "uint32 4000000000, expected a string");
            assertRefused(p, () -> f.getInt("u32"), "metadata 'u32'", "does not fit a 32-bit integer");
            assertRefused(p, () -> f.getLong("u64"), "metadata 'u64'", "expected an integer");
            assertRefused(
                    p,
                    () -> f.getStrings("floats"),
                    "metadata 'floats'",
                    "array of 3 float32, expected an array of strings");
            assertRefused(p, () -> f.tensor("c.weight"), "tensor 'c.weight'", "not in the file");
            assertEquals(7, f.getInt("missing", 7));
            assertEquals("d", f.getString("missing", "d"));
        }
    }

    @Test
    void customAlignmentPlacesDataOnItsMultiples() throws IOException {
        Path p = write("aligned.gguf", everyType(3).alignment(256).toBytes());
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(256, f.alignment());
            assertEquals(0, f.dataOffset() % 256);
            for (GgufTensor t : f.tensors()) {
                assertEquals(0, t.offset() % 256, t.name());
            }
            assertArrayEquals(new float[] {0.5f, -2f}, f.tensor("b.weight").toFloatArray());
        }
    }

    @Test
    void versionsOtherThanTwoAndThreeAreRefused() throws IOException {
        expectFailure(everyType(3).version(1), "header.version", "version 1");
        expectFailure(everyType(3).version(4), "header.version", "version 4 is not supported");
        expectFailure(everyType(3).version(0x0300_0000), "header.version", "big-endian");
        byte[] bad = everyType(3).toBytes();
        bad[0] = 'g';
        expectFailure(bad, "header.magic", "not a GGUF file");
        expectFailure(new byte[] {'G', 'G'}, "header", "too short");
    }

    @Test
    void countsAndLengthsThatCannotFitTheFileAreRefusedBeforeAllocating() throws IOException {
        expectFailure(patch64(base, offsets.get("tensor_count"), Long.MAX_VALUE), "header.tensor_count", "cannot fit");
        expectFailure(patch64(base, offsets.get("tensor_count"), 1L << 40), "header.tensor_count", "cannot fit");
        expectFailure(patch64(base, offsets.get("kv_count"), -1), "header.metadata_kv_count", "cannot fit");
        expectFailure(patch64(base, offsets.get("kv:string"), 1L << 62), "metadata[8].key.length", "does not fit");
        expectFailure(
                patch64(base, offsets.get("kv:string.value"), 1L << 40), "metadata 'string'.length", "does not fit");
        // arrays: element type (4 bytes) then the count
        expectFailure(
                patch64(base, offsets.get("kv:strings.value") + 4, 1L << 31),
                "metadata 'strings'.count",
                "does not fit");
        expectFailure(patch64(base, offsets.get("kv:floats.value") + 4, -5), "metadata 'floats'.count", "does not fit");
        expectFailure(
                patch64(base, offsets.get("kv:nested.value") + 4, 1L << 50), "metadata 'nested'.count", "does not fit");
        expectFailure(
                patch64(base, offsets.get("tensor:a.weight"), 1L << 33), "tensor info 0.name.length", "does not fit");
    }

    @Test
    void unknownTypeCodesAreNamed() throws IOException {
        expectFailure(patch32(base, offsets.get("kv:u8.type"), 13), "metadata 'u8'.type", "value type code 13");
        expectFailure(
                patch32(base, offsets.get("kv:nested.value"), 99),
                "metadata 'nested'.element_type",
                "value type code 99");
        expectFailure(
                patch32(base, offsets.get("tensor:a.weight.type"), 31),
                "tensor 'a.weight'.type",
                "ggml type code 31 is unknown");
        expectFailure(patch32(base, offsets.get("tensor:a.weight.type"), 1000), "tensor 'a.weight'.type", "1000");
        byte[] b = base.clone();
        b[(int) (long) offsets.get("kv:bool.value")] = 2;
        expectFailure(b, "metadata 'bool'", "neither 0 nor 1");
    }

    @Test
    void badTensorInfosAreNamed() throws IOException {
        expectFailure(
                patch32(base, offsets.get("tensor:a.weight.n_dims"), 5), "tensor 'a.weight'.n_dims", "5 dimensions");
        expectFailure(
                patch32(base, offsets.get("tensor:a.weight.n_dims"), 0), "tensor 'a.weight'.n_dims", "0 dimensions");
        expectFailure(patch64(base, offsets.get("tensor:a.weight.dims"), -4), "tensor 'a.weight'.dims[0]", "negative");
        expectFailure(
                patch64(
                        patch64(base, offsets.get("tensor:a.weight.dims"), 1L << 40),
                        offsets.get("tensor:a.weight.dims") + 8,
                        1L << 40),
                "tensor 'a.weight'",
                "overflow");
        expectFailure(
                patch64(base, offsets.get("tensor:a.weight.dims") + 8, 1L << 20), "tensor 'a.weight'", "past the end");
        expectFailure(
                patch64(base, offsets.get("tensor:b.weight.offset"), 3),
                "tensor 'b.weight'",
                "not a multiple of the alignment 32");
        expectFailure(
                patch64(base, offsets.get("tensor:b.weight.offset"), 1L << 40), "tensor 'b.weight'", "past the end");
        expectFailure(
                patch64(base, offsets.get("tensor:b.weight.offset"), -32),
                "tensor 'b.weight'.offset",
                "beyond any file");
        expectFailure(
                patch64(base, offsets.get("tensor:b.weight.offset"), 0),
                "tensor 'b.weight'",
                "overlaps tensor 'a.weight'");
        // found by fuzzing: a row whose byte length alone overflows (2^62 f32 values)
        expectFailure(
                patch64(base, offsets.get("tensor:a.weight.dims"), 1L << 62), "tensor 'a.weight'", "overflow 64 bits");
        // a Q4_K row must be whole blocks of 256
        expectFailure(
                new GgufTestWriter()
                        .tensor("q", GgmlType.Q4_K, new long[] {100, 1}, new byte[144])
                        .toBytes(),
                "tensor 'q'",
                "not a whole number of Q4_K blocks of 256");
    }

    @Test
    void duplicatesAlignmentAndUtf8AreChecked() throws IOException {
        // key "i8" becomes a second "u8"
        byte[] dup = base.clone();
        dup[(int) (offsets.get("kv:i8") + 8)] = 'u';
        expectFailure(dup, "metadata 'u8'", "appears twice");
        byte[] dupTensor = base.clone();
        dupTensor[(int) (offsets.get("tensor:b.weight") + 8)] = 'a';
        expectFailure(dupTensor, "tensor 'a.weight'", "appears twice");
        byte[] utf = base.clone();
        utf[(int) (offsets.get("kv:string.value") + 8)] = (byte) 0xC0;
        expectFailure(utf, "metadata 'string'", "not valid UTF-8");
        GgufTestWriter sw = new GgufTestWriter().putString("s", "abc");
        byte[] withSurrogate = sw.toBytes();
        int at = (int) (sw.offsets().get("kv:s.value") + 8);
        withSurrogate[at] = (byte) 0xED; // U+D800 encoded: a surrogate, not a character
        withSurrogate[at + 1] = (byte) 0xA0;
        withSurrogate[at + 2] = (byte) 0x80;
        expectFailure(withSurrogate, "metadata 's'", "not valid UTF-8");
        expectFailure(
                new GgufTestWriter()
                        .put("general.alignment", GgufValueType.UINT32, 48L)
                        .toBytes(),
                "metadata 'general.alignment'",
                "not a power of two");
        expectFailure(
                new GgufTestWriter()
                        .put("general.alignment", GgufValueType.UINT64, 64L)
                        .toBytes(),
                "metadata 'general.alignment'",
                "expected a uint32");
    }

    @Test
    void arraysNestedTooDeepAreRefused() throws IOException {
        Arr a = Arr.of(GgufValueType.UINT8, 1L);
        for (int i = 0; i < GgufFile.MAX_NESTING; i++) {
            a = Arr.of(GgufValueType.ARRAY, a);
        }
        expectFailure(
                new GgufTestWriter().putArray("deep", a).toBytes(),
                "metadata 'deep'" + "[0]".repeat(GgufFile.MAX_NESTING),
                "nested deeper than 8");
        Arr ok = Arr.of(GgufValueType.UINT8, 1L);
        for (int i = 0; i < GgufFile.MAX_NESTING - 1; i++) {
            ok = Arr.of(GgufValueType.ARRAY, ok);
        }
        Path p = write("ok.gguf", new GgufTestWriter().putArray("deep", ok).toBytes());
        try (GgufFile f = GgufFile.open(p)) {
            ArrayValue v = f.getArray("deep");
            for (int i = 0; i < GgufFile.MAX_NESTING - 1; i++) {
                v = v.arrays().getFirst();
            }
            assertArrayEquals(new long[] {1}, v.longs());
        }
    }

    /**
     * Cut at every offset: each prefix that ends before the last tensor's data is refused with a
     * typed error naming the file; the trailing padding may go.
     */
    @Test
    void everyTruncationIsATypedError() throws IOException {
        long end = offsets.get("data:b.weight") + 4;
        Path p = dir.resolve("cut.gguf");
        for (int n = 0; n < base.length; n++) {
            TestFiles.rewrite(p, Arrays.copyOf(base, n));
            if (n >= end) {
                try (GgufFile f = GgufFile.open(p)) {
                    assertArrayEquals(
                            new float[] {0.5f, -2f}, f.tensor("b.weight").toFloatArray());
                }
                continue;
            }
            int cut = n;
            ModelFormatException e = assertThrows(
                    ModelFormatException.class, () -> GgufFile.open(p).close(), "cut at " + n);
            assertTrue(e.getMessage().startsWith(p.toString()), "cut at " + cut + ": " + e.getMessage());
        }
    }

    /** Seeded random damage: 3,000 files with 1-4 bytes changed open or fail typed, never otherwise. */
    @Test
    void randomDamageOpensOrFailsTyped() throws IOException {
        Random r = new Random(SEED);
        Path p = dir.resolve("damaged.gguf");
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] b = base.clone();
            for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            TestFiles.rewrite(p, b);
            try (GgufFile f = GgufFile.open(p)) {
                for (GgufTensor t : f.tensors()) {
                    t.toFloatArray();
                }
                for (GgufValue v : f.metadata().values()) {
                    if (v instanceof ArrayValue a) {
                        a.values();
                    }
                }
            } catch (ModelFormatException e) {
                refused++;
                assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
            } catch (RuntimeException e) {
                throw new AssertionError("mutation " + i + " (seed " + SEED + "): untyped " + e, e);
            }
        }
        assertTrue(refused > 100, refused + " refused");
    }

    @Test
    void closingUnmaps() throws IOException {
        Path p = write("every.gguf", everyType(3).toBytes());
        GgufTensor t;
        try (GgufFile f = GgufFile.open(p)) {
            t = f.tensor("a.weight");
        }
        assertThrows(IllegalStateException.class, t::toFloatArray);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return TestFiles.rewrite(dir.resolve(name), bytes);
    }

    private void expectFailure(GgufTestWriter w, String part, String detail) throws IOException {
        expectFailure(w.toBytes(), part, detail);
    }

    private void expectFailure(byte[] bytes, String part, String detail) throws IOException {
        Path p = write("bad.gguf", bytes);
        assertRefused(p, () -> GgufFile.open(p).close(), part, detail);
    }

    /** Asserts that {@code call} throws a ModelFormatException naming the file and the part, saying {@code detail}. */
    private static void assertRefused(Path file, Executable call, String part, String detail) {
        ModelFormatException m = assertThrows(ModelFormatException.class, call);
        assertEquals(part, m.part(), m.getMessage());
        assertTrue(m.getMessage().startsWith(file + ": " + part + ": "), m.getMessage());
        assertTrue(m.getMessage().contains(detail), "expected '" + detail + "' in: " + m.getMessage());
    }

    private static byte[] patch64(byte[] b, long at, long v) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at, v);
        return c;
    }

    private static byte[] patch32(byte[] b, long at, int v) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, v);
        return c;
    }
}
