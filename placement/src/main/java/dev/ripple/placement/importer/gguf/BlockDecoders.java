package dev.ripple.placement.importer.gguf;

/**
 * The block decoders of the ggml types this importer reads. Every multiplication is done in
 * float in the order ggml's reference dequantizers use ({@code d * scale} first, then times the
 * quant, then minus the min), so the values equal what llama.cpp computes from the same bytes.
 *
 * <p>Layouts (little-endian; {@code f16} is IEEE half precision):
 * <ul>
 *   <li>Q8_0, 32 values in 34 bytes: {@code f16 d}, 32 × {@code int8 q}; {@code x = d·q}.</li>
 *   <li>Q4_0, 32 in 18: {@code f16 d}, 16 bytes; byte j holds value j in its low nibble and value
 *       j + 16 in its high nibble; {@code x = d·(q − 8)}.</li>
 *   <li>Q4_1, 32 in 20: {@code f16 d, f16 m}, 16 bytes as Q4_0; {@code x = d·q + m}.</li>
 *   <li>Q4_K, 256 in 144: {@code f16 d, f16 dmin}, 12 bytes of eight 6-bit scales and eight 6-bit
 *       mins, 128 bytes of nibbles; sub-block s of 32 values has {@code x = d·sc_s·q − dmin·m_s}; each
 *       64 values share 32 bytes (first 32 values in the low nibbles, next 32 in the high ones).</li>
 *   <li>Q5_K, 256 in 176: as Q4_K plus 32 bytes of fifth bits ({@code qh}): value l of the pair of
 *       sub-blocks 2p, 2p+1 takes bit 2p (resp. 2p+1) of {@code qh[l]} as 16.</li>
 *   <li>Q6_K, 256 in 210: 128 bytes of low nibbles, 64 bytes of high bit pairs, 16 {@code int8}
 *       scales, {@code f16 d}; {@code x = d·sc·(q − 32)} with q six bits; each 128 values use 64 low
 *       bytes and 32 high bytes (4 values per high byte, 2 bits each).</li>
 * </ul>
 */
final class BlockDecoders {
    private BlockDecoders() {}

    static float f16(byte[] b, int off) {
        return Float.float16ToFloat((short) ((b[off] & 0xFF) | (b[off + 1] << 8)));
    }

    static void f32(byte[] b, int off, float[] y, int at) {
        y[at] = Float.intBitsToFloat(
                (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | b[off + 3] << 24);
    }

    static void f16(byte[] b, int off, float[] y, int at) {
        y[at] = f16(b, off);
    }

    static void bf16(byte[] b, int off, float[] y, int at) {
        y[at] = Float.intBitsToFloat(((b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8) << 16);
    }

    static void q8_0(byte[] b, int off, float[] y, int at) {
        float d = f16(b, off);
        for (int j = 0; j < 32; j++) {
            y[at + j] = d * b[off + 2 + j];
        }
    }

    static void q4_0(byte[] b, int off, float[] y, int at) {
        float d = f16(b, off);
        for (int j = 0; j < 16; j++) {
            int q = b[off + 2 + j] & 0xFF;
            y[at + j] = d * ((q & 0xF) - 8);
            y[at + j + 16] = d * ((q >>> 4) - 8);
        }
    }

    static void q4_1(byte[] b, int off, float[] y, int at) {
        float d = f16(b, off);
        float m = f16(b, off + 2);
        for (int j = 0; j < 16; j++) {
            int q = b[off + 4 + j] & 0xFF;
            y[at + j] = d * (q & 0xF) + m;
            y[at + j + 16] = d * (q >>> 4) + m;
        }
    }

    /** The 6-bit scale of sub-block {@code j} (0..7) of a Q4_K/Q5_K block's 12 scale bytes at {@code s}. */
    static int kScale(byte[] b, int s, int j) {
        return j < 4 ? b[s + j] & 63 : (b[s + j + 4] & 0xF) | ((b[s + j - 4] & 0xFF) >>> 6) << 4;
    }

    /** The 6-bit min of sub-block {@code j}. */
    static int kMin(byte[] b, int s, int j) {
        return j < 4 ? b[s + j + 4] & 63 : ((b[s + j + 4] & 0xFF) >>> 4) | ((b[s + j] & 0xFF) >>> 6) << 4;
    }

    static void q4_K(byte[] b, int off, float[] y, int at) {
        kBlock(b, off, y, at, -1, off + 16);
    }

    static void q5_K(byte[] b, int off, float[] y, int at) {
        kBlock(b, off, y, at, off + 16, off + 48);
    }

    /**
     * A Q4_K block, or a Q5_K block when {@code qh} (the 32 bytes of fifth bits) is not -1: the same
     * scales, mins and nibbles, Q5_K adding 16 to a value whose bit for its sub-block is set.
     */
    private static void kBlock(byte[] b, int off, float[] y, int at, int qh, int qs) {
        float d = f16(b, off);
        float dmin = f16(b, off + 2);
        int scales = off + 4;
        for (int p = 0; p < 4; p++) {
            float d1 = d * kScale(b, scales, 2 * p);
            float m1 = dmin * kMin(b, scales, 2 * p);
            float d2 = d * kScale(b, scales, 2 * p + 1);
            float m2 = dmin * kMin(b, scales, 2 * p + 1);
            int lowBit = 1 << (2 * p);
            int highBit = 1 << (2 * p + 1);
            int q = qs + 32 * p;
            int o = at + 64 * p;
            for (int l = 0; l < 32; l++) {
                int v = b[q + l] & 0xFF;
                int h = qh < 0 ? 0 : b[qh + l] & 0xFF;
                y[o + l] = d1 * ((v & 0xF) + ((h & lowBit) != 0 ? 16 : 0)) - m1;
                y[o + 32 + l] = d2 * ((v >>> 4) + ((h & highBit) != 0 ? 16 : 0)) - m2;
            }
        }
    }

    static void q6_K(byte[] b, int off, float[] y, int at) {
        int ql = off;
        int qh = off + 128;
        int sc = off + 192;
        float d = f16(b, off + 208);
        for (int half = 0; half < 2; half++) {
            int l0 = ql + 64 * half;
            int h0 = qh + 32 * half;
            int s0 = sc + 8 * half;
            int o = at + 128 * half;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int lo = b[l0 + l] & 0xFF;
                int lo2 = b[l0 + l + 32] & 0xFF;
                int h = b[h0 + l] & 0xFF;
                int q1 = ((lo & 0xF) | (h & 3) << 4) - 32;
                int q2 = ((lo2 & 0xF) | ((h >>> 2) & 3) << 4) - 32;
                int q3 = ((lo >>> 4) | ((h >>> 4) & 3) << 4) - 32;
                int q4 = ((lo2 >>> 4) | ((h >>> 6) & 3) << 4) - 32;
                y[o + l] = d * b[s0 + is] * q1;
                y[o + l + 32] = d * b[s0 + is + 2] * q2;
                y[o + l + 64] = d * b[s0 + is + 4] * q3;
                y[o + l + 96] = d * b[s0 + is + 6] * q4;
            }
        }
    }
}
