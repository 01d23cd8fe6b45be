package dev.ripple.placement.importer.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Test-only encoders of ggml types, written from the block layouts (docs/GGUF.md): plain floats,
 * straightforward reference quantizers for Q8_0, Q4_0 and Q4_1 (round to nearest, scale from the
 * block's largest magnitude or range), a simple Q4_K quantizer (not llama.cpp's search for the best
 * scales, which tests do not need), and block builders for every quantized type from chosen
 * integer quants and scales, so that the expected values are known exactly.
 */
final class GgmlEncoder {
    private GgmlEncoder() {}

    /** Row-major floats in {@code type} (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K); the length must be whole blocks. */
    static byte[] encode(GgmlType type, float[] x) {
        if (x.length % type.blockSize() != 0) {
            throw new IllegalArgumentException(x.length + " values are not whole " + type + " blocks");
        }
        ByteBuffer b = ByteBuffer.allocate(x.length / type.blockSize() * type.blockBytes())
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < x.length; at += type.blockSize()) {
            switch (type) {
                case F32 -> b.putFloat(x[at]);
                case F16 -> b.putShort(Float.floatToFloat16(x[at]));
                case BF16 -> b.putShort((short) (Float.floatToRawIntBits(x[at]) >>> 16));
                case Q8_0 -> q8_0(x, at, b);
                case Q4_0 -> q4_0(x, at, b);
                case Q4_1 -> q4_1(x, at, b);
                case Q4_K -> b.put(q4_K(x, at, null));
                default ->
                    throw new IllegalArgumentException("no reference quantizer for " + type + " here; build blocks");
            }
        }
        return b.array();
    }

    /** C's roundf: halves away from zero. */
    static int round(float v) {
        return (int) (Math.signum(v) * Math.floor(Math.abs(v) + 0.5f));
    }

    /** d = max|x| / 127, q = round(x / d). */
    private static void q8_0(float[] x, int at, ByteBuffer b) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[at + j]));
        }
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        b.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) {
            b.put((byte) round(x[at + j] * id));
        }
    }

    /** d = (the value of largest magnitude) / -8, q = clamp(floor(x / d + 8.5), 0, 15). */
    private static void q4_0(float[] x, int at, ByteBuffer b) {
        float max = 0;
        for (int j = 0; j < 32; j++) {
            if (Math.abs(x[at + j]) > Math.abs(max)) {
                max = x[at + j];
            }
        }
        float d = max / -8f;
        float id = d != 0 ? 1f / d : 0f;
        b.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) (x[at + j] * id + 8.5f));
            int hi = Math.min(15, (int) (x[at + j + 16] * id + 8.5f));
            b.put((byte) (lo | hi << 4));
        }
    }

    /** d = (max - min) / 15, m = min, q = clamp(floor((x - min) / d + 0.5), 0, 15). */
    private static void q4_1(float[] x, int at, ByteBuffer b) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < 32; j++) {
            min = Math.min(min, x[at + j]);
            max = Math.max(max, x[at + j]);
        }
        float d = (max - min) / 15f;
        float id = d != 0 ? 1f / d : 0f;
        b.putShort(Float.floatToFloat16(d));
        b.putShort(Float.floatToFloat16(min));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) ((x[at + j] - min) * id + 0.5f));
            int hi = Math.min(15, (int) ((x[at + j + 16] - min) * id + 0.5f));
            b.put((byte) (lo | hi << 4));
        }
    }

    /**
     * A Q4_K block of {@code x[at, at + 256)}: each 32 values get scale (max − min) / 15 and min
     * −min(0, smallest), both then stored as 6-bit multiples of the block's f16 {@code d} and
     * {@code dmin} (largest / 63), and q = round((x + dmin·m) / (d·sc)) in [0, 15]. When
     * {@code implied} is given, the values the block stands for ({@code (d·sc)·q − dmin·m}, as ggml
     * computes them) go to {@code implied[at, at + 256)}.
     */
    static byte[] q4_K(float[] x, int at, float[] implied) {
        float[] scale = new float[8];
        float[] min = new float[8];
        float maxScale = 0;
        float maxMin = 0;
        for (int i = 0; i < 8; i++) {
            float lo = 0;
            float hi = -Float.MAX_VALUE;
            for (int j = 0; j < 32; j++) {
                lo = Math.min(lo, x[at + 32 * i + j]);
                hi = Math.max(hi, x[at + 32 * i + j]);
            }
            scale[i] = (hi - lo) / 15f;
            min[i] = -lo;
            maxScale = Math.max(maxScale, scale[i]);
            maxMin = Math.max(maxMin, min[i]);
        }
        float d = Float.float16ToFloat(Float.floatToFloat16(maxScale / 63f));
        float dmin = Float.float16ToFloat(Float.floatToFloat16(maxMin / 63f));
        int[] sc = new int[8];
        int[] m = new int[8];
        int[] q = new int[256];
        for (int i = 0; i < 8; i++) {
            sc[i] = d == 0 ? 0 : Math.min(63, round(scale[i] / d));
            m[i] = dmin == 0 ? 0 : Math.min(63, round(min[i] / dmin));
            float step = d * sc[i];
            float offset = dmin * m[i];
            for (int j = 0; j < 32; j++) {
                int v = 32 * i + j;
                q[v] = step == 0 ? 0 : Math.max(0, Math.min(15, round((x[at + v] + offset) / step)));
                if (implied != null) {
                    implied[at + v] = step * q[v] - offset;
                }
            }
        }
        return q4KBlock(d, dmin, sc, m, q);
    }

    /**
     * The values {@code encode(type, x)} stands for, decoded here by the format's formulas (not by
     * the reader under test): F32, F16, BF16, Q8_0 ({@code d·q}), Q4_0 ({@code d·(q − 8)}) and Q4_K
     * ({@code (d·sc)·q − dmin·m}, from the quantizer's own integers).
     */
    static float[] implied(GgmlType type, float[] x) {
        if (type == GgmlType.Q4_K) {
            float[] out = new float[x.length];
            for (int at = 0; at < x.length; at += 256) {
                q4_K(x, at, out);
            }
            return out;
        }
        ByteBuffer b = ByteBuffer.wrap(encode(type, x)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[x.length];
        for (int at = 0; at < x.length; at += type.blockSize()) {
            switch (type) {
                case F32 -> out[at] = b.getFloat();
                case F16 -> out[at] = Float.float16ToFloat(b.getShort());
                case BF16 -> out[at] = Float.intBitsToFloat(b.getShort() << 16);
                case Q8_0 -> {
                    float d = Float.float16ToFloat(b.getShort());
                    for (int j = 0; j < 32; j++) {
                        out[at + j] = d * b.get();
                    }
                }
                case Q4_0 -> {
                    float d = Float.float16ToFloat(b.getShort());
                    for (int j = 0; j < 16; j++) {
                        int q = b.get() & 0xFF;
                        out[at + j] = d * ((q & 15) - 8);
                        out[at + j + 16] = d * ((q >> 4) - 8);
                    }
                }
                default -> throw new IllegalArgumentException("not decoded here: " + type);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ blocks from chosen integers

    /** A Q8_0 block: {@code x_j = d·q_j}, q in [-128, 127]. */
    static byte[] q8_0Block(float d, int[] q) {
        ByteBuffer b = le(34).putShort(Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) {
            b.put((byte) q[j]);
        }
        return b.array();
    }

    /** A Q4_0 block: {@code x_j = d·(q_j − 8)}, q in [0, 15]. */
    static byte[] q4_0Block(float d, int[] q) {
        ByteBuffer b = le(18).putShort(Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            b.put((byte) (q[j] | q[j + 16] << 4));
        }
        return b.array();
    }

    /** A Q4_1 block: {@code x_j = d·q_j + m}, q in [0, 15]. */
    static byte[] q4_1Block(float d, float m, int[] q) {
        ByteBuffer b = le(20).putShort(Float.floatToFloat16(d)).putShort(Float.floatToFloat16(m));
        for (int j = 0; j < 16; j++) {
            b.put((byte) (q[j] | q[j + 16] << 4));
        }
        return b.array();
    }

    /** The 12 bytes holding eight 6-bit scales and eight 6-bit mins of Q4_K and Q5_K. */
    static byte[] kScales(int[] sc, int[] m) {
        byte[] s = new byte[12];
        for (int j = 0; j < 4; j++) {
            s[j] = (byte) (sc[j] | (sc[j + 4] >> 4) << 6);
            s[j + 4] = (byte) (m[j] | (m[j + 4] >> 4) << 6);
            s[j + 8] = (byte) ((sc[j + 4] & 15) | (m[j + 4] & 15) << 4);
        }
        return s;
    }

    /** A Q4_K block: value v is {@code d·sc[v/32]·q[v] − dmin·m[v/32]}, sc and m in [0, 63], q in [0, 15]. */
    static byte[] q4KBlock(float d, float dmin, int[] sc, int[] m, int[] q) {
        ByteBuffer b = le(144).putShort(Float.floatToFloat16(d))
                .putShort(Float.floatToFloat16(dmin))
                .put(kScales(sc, m));
        for (int p = 0; p < 4; p++) {
            for (int l = 0; l < 32; l++) {
                b.put((byte) (q[64 * p + l] | q[64 * p + 32 + l] << 4));
            }
        }
        return b.array();
    }

    /** A Q5_K block: as Q4_K with q in [0, 31] (the fifth bits in {@code qh}). */
    static byte[] q5KBlock(float d, float dmin, int[] sc, int[] m, int[] q) {
        ByteBuffer b = le(176).putShort(Float.floatToFloat16(d))
                .putShort(Float.floatToFloat16(dmin))
                .put(kScales(sc, m));
        byte[] qh = new byte[32];
        for (int p = 0; p < 4; p++) {
            for (int l = 0; l < 32; l++) {
                qh[l] |=
                        (byte) (((q[64 * p + l] >> 4) & 1) << (2 * p) | ((q[64 * p + 32 + l] >> 4) & 1) << (2 * p + 1));
            }
        }
        b.put(qh);
        for (int p = 0; p < 4; p++) {
            for (int l = 0; l < 32; l++) {
                b.put((byte) ((q[64 * p + l] & 15) | (q[64 * p + 32 + l] & 15) << 4));
            }
        }
        return b.array();
    }

    /** A Q6_K block: value v is {@code d·sc[v/16]·(q[v] − 32)}, sc in [-128, 127], q in [0, 63]. */
    static byte[] q6KBlock(float d, int[] sc, int[] q) {
        byte[] ql = new byte[128];
        byte[] qh = new byte[64];
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int q1 = q[128 * h + l];
                int q2 = q[128 * h + l + 32];
                int q3 = q[128 * h + l + 64];
                int q4 = q[128 * h + l + 96];
                ql[64 * h + l] = (byte) ((q1 & 15) | (q3 & 15) << 4);
                ql[64 * h + l + 32] = (byte) ((q2 & 15) | (q4 & 15) << 4);
                qh[32 * h + l] = (byte) ((q1 >> 4) | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6);
            }
        }
        ByteBuffer b = le(210).put(ql).put(qh);
        for (int j = 0; j < 16; j++) {
            b.put((byte) sc[j]);
        }
        return b.putShort(Float.floatToFloat16(d)).array();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
