package dev.ripple.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Q8_0 and Q4_0 blocks as ggml lays them out and rounds them. */
class QuantizationTest {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void q8BlockHoldsAnF16ScaleAndRoundsHalvesAwayFromZero() {
        float[] x = new float[32];
        x[0] = 127f; // scale 127 / 127 = 1, so q = roundf(x)
        for (int j = 1; j < 32; j++) {
            x[j] = j - 16 + 0.5f; // every value a tie: -14.5 ... 15.5
        }
        MemorySegment block = encode(DType.Q8_0, x);
        assertEquals(34, block.byteSize());
        assertEquals((short) 0x3C00, block.get(I16, 0), "scale 1.0 in f16");
        assertEquals(127, block.get(ValueLayout.JAVA_BYTE, 2));
        for (int j = 1; j < 32; j++) {
            int expected = x[j] < 0 ? -(int) (Math.abs(x[j]) + 0.5f) : (int) (x[j] + 0.5f);
            assertEquals(expected, block.get(ValueLayout.JAVA_BYTE, 2 + j), "x=" + x[j]);
        }
        assertEquals(-15, block.get(ValueLayout.JAVA_BYTE, 2 + 1), "roundf(-14.5) is -15, not Math.round's -14");
    }

    @Test
    void q4BlockPacksLowNibblesFirstAndUsesTheSignedExtremeAsScale() {
        float[] x = new float[32];
        x[0] = -8f; // largest magnitude, negative: d = -8 / -8 = 1
        float[] rest = {7f, 7.6f, 0f, -0.5f, 0.5f, -7.9f, 3.2f};
        System.arraycopy(rest, 0, x, 1, rest.length);
        x[16] = 2f;
        x[17] = -3f;
        MemorySegment block = encode(DType.Q4_0, x);
        assertEquals(18, block.byteSize());
        assertEquals((short) 0x3C00, block.get(I16, 0));
        int[] expectedLow = {0, 15, 15, 8, 8, 9, 0, 11}; // min(15, trunc(x + 8.5))
        for (int j = 0; j < expectedLow.length; j++) {
            assertEquals(expectedLow[j], block.get(ValueLayout.JAVA_BYTE, 2 + j) & 0x0F, "x=" + x[j]);
        }
        assertEquals(10, (block.get(ValueLayout.JAVA_BYTE, 2) & 0xFF) >>> 4, "x[16] = 2 in the high nibble of byte 0");
        assertEquals(5, (block.get(ValueLayout.JAVA_BYTE, 3) & 0xFF) >>> 4, "x[17] = -3 in the high nibble of byte 1");
        float[] back = new float[32];
        Quantization.decode(DType.Q4_0, block, 0, back, 0, 32);
        assertEquals(-8f, back[0]);
        assertEquals(7f, back[1]);
        assertEquals(7f, back[2], "clamped at 15");
        assertEquals(2f, back[16]);
        assertEquals(-3f, back[17]);
    }

    @ParameterizedTest
    @EnumSource(
            value = DType.class,
            names = {"Q8_0", "Q4_0"})
    void roundTripErrorIsWithinHalfAStepAndGetAgreesWithDecode(DType type) {
        Random rnd = new Random(type.code());
        int n = 32 * 40;
        float[] x = new float[n];
        for (int k = 0; k < n; k++) {
            x[k] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
        }
        MemorySegment s = encode(type, x);
        assertEquals(type.bytes(n), s.byteSize());
        float[] back = new float[n];
        Quantization.decode(type, s, 0, back, 0, n);
        int levels = type == DType.Q8_0 ? 127 : 8;
        for (int b = 0; b < n / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[b * 32 + j]));
            }
            float step = amax / levels;
            for (int j = 0; j < 32; j++) {
                int k = b * 32 + j;
                // Half a step, plus the f16 scale's rounding carried to the largest code; Q4_0's clamp
                // of +8 steps to +7 costs one whole step at the positive extreme.
                double bound = (type == DType.Q4_0 ? 1.0 : 0.5) * step + amax * Math.scalb(1.0, -10);
                assertTrue(Math.abs(back[k] - x[k]) <= bound, type + " element " + k + ": " + x[k] + " -> " + back[k]);
                assertEquals(back[k], Quantization.get(type, s, 0, k));
            }
        }
    }

    @Test
    void aZeroBlockDecodesToZeros() {
        for (DType type : new DType[] {DType.Q8_0, DType.Q4_0}) {
            float[] back = new float[32];
            Arrays.fill(back, 1f);
            Quantization.decode(type, encode(type, new float[32]), 0, back, 0, 32);
            for (float v : back) {
                assertEquals(0f, Math.abs(v), type.label());
            }
        }
    }

    @Test
    void nonFiniteWeightsAndPartialBlocksAreRefused() {
        float[] x = new float[32];
        x[5] = Float.NaN;
        var e = assertThrows(IllegalArgumentException.class, () -> encode(DType.Q8_0, x));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        x[5] = Float.POSITIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> encode(DType.Q4_0, x));
        MemorySegment s = Arena.ofAuto().allocate(64);
        assertThrows(IllegalArgumentException.class, () -> Quantization.encode(DType.Q8_0, new float[40], 0, 40, s, 0));
        assertThrows(IllegalStateException.class, () -> DType.Q4_0.size(), "block types have no element size");
    }

    @Test
    void blockTypesReportTheirSizes() {
        assertEquals(34, DType.Q8_0.bytes(32));
        assertEquals(18 * 128, DType.Q4_0.bytes(4096));
        assertEquals(8.5, DType.Q8_0.bitsPerWeight());
        assertEquals(4.5, DType.Q4_0.bitsPerWeight());
        assertEquals(16.0, DType.F16.bitsPerWeight());
    }

    private static MemorySegment encode(DType type, float[] x) {
        MemorySegment s = Arena.ofAuto().allocate(type.bytes(x.length));
        Quantization.encode(type, x, 0, x.length, s, 0);
        return s;
    }
}
