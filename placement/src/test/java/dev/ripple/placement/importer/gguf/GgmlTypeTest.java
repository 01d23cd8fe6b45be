package dev.ripple.placement.importer.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.importer.UnsupportedModelException;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every readable ggml type round-trips through a written GGUF file: exactly for the float types
 * and for blocks built from chosen integer quants and scales (the expected value of each element
 * is computed here from the format's formula), and within the type's quantization error for the
 * reference quantizers of Q8_0, Q4_0 and Q4_1. Rows are read alone, in ranges, into arrays and into
 * off-heap memory.
 */
class GgmlTypeTest {
    private static final long SEED = 20261207L;
    /** Rows and row length of the test matrices: three blocks of 256 per row, five rows. */
    private static final int ROWS = 5;

    private static final int COLS = 768;

    @TempDir
    Path dir;

    @Test
    void blockLayoutsOfEveryType() {
        assertEquals(34, GgmlType.Q8_0.blockBytes());
        assertEquals(8.5, GgmlType.Q8_0.bitsPerValue());
        assertEquals(4.5, GgmlType.Q4_0.bitsPerValue());
        assertEquals(5.0, GgmlType.Q4_1.bitsPerValue());
        assertEquals(4.5, GgmlType.Q4_K.bitsPerValue());
        assertEquals(5.5, GgmlType.Q5_K.bitsPerValue());
        assertEquals(6.5625, GgmlType.Q6_K.bitsPerValue());
        assertEquals(2.0625, GgmlType.IQ2_XXS.bitsPerValue());
        assertEquals(GgmlType.BF16, GgmlType.ofCode(30));
        assertEquals(GgmlType.Q1_0, GgmlType.ofCode(41));
        for (int removed : new int[] {4, 5, 31, 32, 33, 36, 37, 38, 42, -1, 1 << 20}) {
            assertNull(GgmlType.ofCode(removed), "code " + removed);
        }
        EnumSet<GgmlType> readable = EnumSet.noneOf(GgmlType.class);
        for (GgmlType t : GgmlType.values()) {
            assertEquals(t, GgmlType.ofCode(t.code()));
            if (t.isReadable()) {
                readable.add(t);
            }
        }
        assertEquals(
                EnumSet.of(
                        GgmlType.F32,
                        GgmlType.F16,
                        GgmlType.BF16,
                        GgmlType.Q8_0,
                        GgmlType.Q4_0,
                        GgmlType.Q4_1,
                        GgmlType.Q4_K,
                        GgmlType.Q5_K,
                        GgmlType.Q6_K),
                readable);
        assertEquals(3 * 144L, GgmlType.Q4_K.rowBytes(768));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.Q4_K.rowBytes(100));
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"F32", "F16", "BF16"})
    void floatTypesAreExact(GgmlType type) throws Exception {
        Random r = new Random(SEED + type.code());
        float[] x = new float[ROWS * COLS];
        for (int i = 0; i < x.length; i++) {
            float v = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
            x[i] = switch (type) {
                case F16 -> Float.float16ToFloat(Float.floatToFloat16(v));
                case BF16 -> Float.intBitsToFloat(Float.floatToRawIntBits(v) & 0xFFFF0000);
                default -> v;
            };
        }
        x[0] = Float.NaN;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = -0f;
        assertRoundTrip(type, GgmlEncoder.encode(type, x), x);
    }

    /** Q8_0 stores d·q, Q4_0 d·(q - 8) and Q4_1 d·q + m for every element of a 32-element block. */
    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"Q8_0", "Q4_0", "Q4_1"})
    void legacyTypesFromChosenQuants(GgmlType type) throws Exception {
        Random r = new Random(SEED + type.code());
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        float[] expected = new float[ROWS * COLS];
        for (int blk = 0; blk < expected.length / 32; blk++) {
            float d = scale(r);
            float m = type == GgmlType.Q4_1 ? -scale(r) * r.nextInt(20) : 0;
            int[] q = new int[32];
            for (int j = 0; j < 32; j++) {
                q[j] = type == GgmlType.Q8_0 ? r.nextInt(256) - 128 : r.nextInt(16);
                expected[32 * blk + j] = switch (type) {
                    case Q8_0 -> d * q[j];
                    case Q4_0 -> d * (q[j] - 8);
                    default -> d * q[j] + m;
                };
            }
            b.writeBytes(
                    switch (type) {
                        case Q8_0 -> GgmlEncoder.q8_0Block(d, q);
                        case Q4_0 -> GgmlEncoder.q4_0Block(d, q);
                        default -> GgmlEncoder.q4_1Block(d, m, q);
                    });
        }
        assertRoundTrip(type, b.toByteArray(), expected);
    }

    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"Q4_K", "Q5_K"})
    void q4KAndQ5KFromChosenQuantsScalesAndMins(GgmlType type) throws Exception {
        Random r = new Random(SEED + type.code());
        int qMax = type == GgmlType.Q4_K ? 16 : 32;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        float[] expected = new float[ROWS * COLS];
        for (int blk = 0; blk < expected.length / 256; blk++) {
            float d = scale(r);
            float dmin = scale(r);
            int[] sc = new int[8];
            int[] m = new int[8];
            for (int s = 0; s < 8; s++) {
                sc[s] = r.nextInt(64);
                m[s] = r.nextInt(64);
            }
            if (blk == 0) { // the extremes of every field
                sc[0] = 63;
                m[7] = 63;
                sc[4] = 0;
            }
            int[] q = new int[256];
            for (int v = 0; v < 256; v++) {
                q[v] = blk == 0 && v < 2 ? (v == 0 ? 0 : qMax - 1) : r.nextInt(qMax);
                // d, dmin are powers of two and sc, m, q small: every product below is exact in float
                expected[256 * blk + v] = (float) ((double) d * sc[v / 32] * q[v] - (double) dmin * m[v / 32]);
            }
            b.writeBytes(
                    type == GgmlType.Q4_K
                            ? GgmlEncoder.q4KBlock(d, dmin, sc, m, q)
                            : GgmlEncoder.q5KBlock(d, dmin, sc, m, q));
        }
        assertRoundTrip(type, b.toByteArray(), expected);
    }

    @Test
    void q6KFromChosenQuantsAndScales() throws Exception {
        Random r = new Random(SEED + 14);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        float[] expected = new float[ROWS * COLS];
        for (int blk = 0; blk < expected.length / 256; blk++) {
            float d = scale(r);
            int[] sc = new int[16];
            for (int s = 0; s < 16; s++) {
                sc[s] = r.nextInt(256) - 128;
            }
            int[] q = new int[256];
            for (int v = 0; v < 256; v++) {
                q[v] = r.nextInt(64);
                expected[256 * blk + v] = (float) ((double) d * sc[v / 16] * (q[v] - 32));
            }
            b.writeBytes(GgmlEncoder.q6KBlock(d, sc, q));
        }
        assertRoundTrip(GgmlType.Q6_K, b.toByteArray(), expected);
    }

    /**
     * The reference quantizers: Q8_0 rounds to the nearest of 255 steps of max|x|/127, so an
     * element is off by at most half a step plus the scale's f16 rounding (2^-11 relative, times at
     * most 127 steps): 0.56 steps. Q4_0's scale is the largest magnitude over -8, whose opposite
     * value is clamped to +7 steps: at most one step (plus the f16 share, 8 × 2^-11 steps). Q4_1
     * spreads 16 levels over [min, max]: half a step plus f16 roundings of the scale and the min.
     */
    @ParameterizedTest
    @EnumSource(
            value = GgmlType.class,
            names = {"Q8_0", "Q4_0", "Q4_1"})
    void referenceQuantizersStayWithinTheirError(GgmlType type) throws Exception {
        Random r = new Random(SEED + 100 + type.code());
        float[] x = new float[ROWS * COLS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 0.02 + (type == GgmlType.Q4_1 ? 0.01 : 0));
        }
        float[] got = read(type, GgmlEncoder.encode(type, x));
        double sumSq = 0;
        double errSq = 0;
        for (int blk = 0; blk < x.length / 32; blk++) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[32 * blk + j];
                min = Math.min(min, v);
                max = Math.max(max, v);
                amax = Math.max(amax, Math.abs(v));
            }
            double bound = switch (type) {
                case Q8_0 -> 0.56 * amax / 127;
                case Q4_0 -> 1.01 * amax / 8;
                default -> 0.52 * (max - min) / 15 + Math.abs(min) / 2048;
            };
            for (int j = 0; j < 32; j++) {
                int i = 32 * blk + j;
                double e = Math.abs(got[i] - x[i]);
                assertTrue(
                        e <= bound,
                        type + " element " + i + ": " + x[i] + " came back as " + got[i] + ", error " + e
                                + " above the bound " + bound + " (seed " + SEED + ")");
                errSq += e * e;
                sumSq += (double) x[i] * x[i];
            }
        }
        double rel = Math.sqrt(errSq / sumSq);
        double limit = switch (type) {
            case Q8_0 -> 0.01;
            case Q4_0 -> 0.15;
            default -> 0.12;
        };
        assertTrue(rel < limit, type + ": relative RMS error " + rel);
    }

    @Test
    void unreadableTypeIsATypedErrorNamingTensorAndType() throws Exception {
        byte[] file = new GgufTestWriter()
                .tensor("blk.0.ffn_up.weight", GgmlType.Q2_K, new long[] {256, 2}, new byte[2 * 84])
                .toBytes();
        Path p = dir.resolve("q2k.gguf");
        Files.write(p, file);
        try (GgufFile f = GgufFile.open(p)) {
            GgufTensor t = f.tensor("blk.0.ffn_up.weight");
            assertEquals(2 * 84, t.data().byteSize());
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class, t::requireReadable);
            assertTrue(
                    e.getMessage().contains("blk.0.ffn_up.weight")
                            && e.getMessage().contains("Q2_K")
                            && e.getMessage().contains(p.toString()),
                    e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> t.dequantizeRows(0, 1, new float[256], 0));
        }
    }

    /** Writes the bytes as a [COLS, ROWS] tensor, reads it back whole, by row ranges, and off-heap. */
    private void assertRoundTrip(GgmlType type, byte[] data, float[] expected) throws Exception {
        float[] got = read(type, data);
        for (int i = 0; i < expected.length; i++) {
            if (Float.isNaN(expected[i])) {
                assertTrue(Float.isNaN(got[i]), type + " element " + i);
            } else {
                assertEquals(
                        Float.floatToIntBits(expected[i]),
                        Float.floatToIntBits(got[i]),
                        type + " element " + i + ": expected " + expected[i] + ", got " + got[i]);
            }
        }
    }

    private float[] read(GgmlType type, byte[] data) throws Exception {
        Path p = dir.resolve(type + ".gguf");
        new GgufTestWriter().tensor("w", type, new long[] {COLS, ROWS}, data).write(p);
        try (GgufFile f = GgufFile.open(p)) {
            GgufTensor t = f.tensor("w");
            assertArrayEquals(new long[] {ROWS, COLS}, t.shape());
            assertEquals(ROWS, t.rows());
            float[] whole = t.toFloatArray();
            float[] part = new float[2 * COLS + 3];
            t.dequantizeRows(2, 2, part, 3);
            for (int i = 0; i < 2 * COLS; i++) {
                assertEquals(
                        Float.floatToIntBits(whole[2 * COLS + i]), Float.floatToIntBits(part[3 + i]), "rows 2-3, " + i);
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment s = a.allocate(4L * COLS + 8);
                t.dequantizeRows(4, 1L, s, 8);
                for (int i = 0; i < COLS; i++) {
                    float v = s.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8 + 4L * i);
                    assertEquals(
                            Float.floatToIntBits(whole[4 * COLS + i]), Float.floatToIntBits(v), "row 4 off-heap, " + i);
                }
            }
            assertThrows(IndexOutOfBoundsException.class, () -> t.dequantizeRows(4, 2, new float[2 * COLS], 0));
            return whole;
        }
    }

    /** A power of two between 2^-12 and 2^-4 (exact in f16, so products with small integers are exact). */
    private static float scale(Random r) {
        return (float) Math.pow(2, -4 - r.nextInt(9));
    }
}
