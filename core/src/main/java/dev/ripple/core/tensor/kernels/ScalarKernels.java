package dev.ripple.core.tensor.kernels;

import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The reference kernels: plain loops, any dtype, any platform. */
public final class ScalarKernels implements Kernels {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public float dot(DType dtype, MemorySegment segment, long byteOffset, float[] x, int n, float[] scratch) {
        float sum = 0f;
        if (dtype.isQuantized()) {
            Quantization.decode(dtype, segment, byteOffset, scratch, 0, n);
            for (int k = 0; k < n; k++) {
                sum += x[k] * scratch[k];
            }
        } else if (dtype == DType.F32) {
            for (int k = 0; k < n; k++) {
                sum += x[k] * segment.get(F32, byteOffset + 4L * k);
            }
        } else {
            for (int k = 0; k < n; k++) {
                sum += x[k] * dtype.decode(segment.get(I16, byteOffset + 2L * k));
            }
        }
        return sum;
    }

    @Override
    public void axpy(DType dtype, float a, MemorySegment segment, long byteOffset, float[] y, int n, float[] scratch) {
        if (dtype.isQuantized()) {
            Quantization.decode(dtype, segment, byteOffset, scratch, 0, n);
            for (int k = 0; k < n; k++) {
                y[k] += a * scratch[k];
            }
        } else if (dtype == DType.F32) {
            for (int k = 0; k < n; k++) {
                y[k] += a * segment.get(F32, byteOffset + 4L * k);
            }
        } else {
            for (int k = 0; k < n; k++) {
                y[k] += a * dtype.decode(segment.get(I16, byteOffset + 2L * k));
            }
        }
    }

    @Override
    public void dot4(
            DType dtype,
            MemorySegment segment,
            long byteOffset,
            float[] x0,
            float[] x1,
            float[] x2,
            float[] x3,
            int n,
            float[] scratch,
            float[] out) {
        out[0] = dot(dtype, segment, byteOffset, x0, n, scratch);
        out[1] = dot(dtype, segment, byteOffset, x1, n, scratch);
        out[2] = dot(dtype, segment, byteOffset, x2, n, scratch);
        out[3] = dot(dtype, segment, byteOffset, x3, n, scratch);
    }

    @Override
    public void axpy4(
            DType dtype,
            float a0,
            float a1,
            float a2,
            float a3,
            MemorySegment segment,
            long byteOffset,
            float[] y0,
            float[] y1,
            float[] y2,
            float[] y3,
            int n,
            float[] scratch) {
        axpy(dtype, a0, segment, byteOffset, y0, n, scratch);
        axpy(dtype, a1, segment, byteOffset, y1, n, scratch);
        axpy(dtype, a2, segment, byteOffset, y2, n, scratch);
        axpy(dtype, a3, segment, byteOffset, y3, n, scratch);
    }

    @Override
    public void dotRows(
            DType dtype,
            MemorySegment[] segments,
            long[] offsets,
            int rows,
            float[][] xs,
            int[] tokens,
            int count,
            int n,
            float[] scratch,
            float[] out) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < count; c++) {
                out[r * count + c] =
                        dot(dtype, segments[r], offsets[r], xs[tokens == null ? c : tokens[c]], n, scratch);
            }
        }
    }

    @Override
    public void axpyRows(
            DType dtype,
            MemorySegment[] segments,
            long[] offsets,
            int rows,
            float[] coefficients,
            float[][] ys,
            int[] tokens,
            int count,
            int n,
            float[] scratch) {
        for (int c = 0; c < count; c++) {
            float[] y = ys[tokens == null ? c : tokens[c]];
            for (int r = 0; r < rows; r++) {
                float a = coefficients[r * count + c];
                if (a != 0f) {
                    axpy(dtype, a, segments[r], offsets[r], y, n, scratch);
                }
            }
        }
    }

    @Override
    public void gelu(float[] v, int from, int to) {
        for (int i = from; i < to; i++) {
            v[i] = Activation.GELU.apply(v[i]);
        }
    }

    @Override
    public void attention(float[] q, float[] k, float[] v, int n, int dh, float scale, float[] scratch, float[] out) {
        float[] scores = scratch;
        for (int i = 0; i < n; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int c = 0; c < dh; c++) {
                    s += q[i * dh + c] * k[j * dh + c];
                }
                scores[j] = s * scale;
                max = Math.max(max, scores[j]);
            }
            float sum = 0;
            for (int j = 0; j < n; j++) {
                scores[j] = (float) Math.exp(scores[j] - max);
                sum += scores[j];
            }
            for (int c = 0; c < dh; c++) {
                out[i * dh + c] = 0f;
            }
            for (int j = 0; j < n; j++) {
                float p = scores[j] / sum;
                for (int c = 0; c < dh; c++) {
                    out[i * dh + c] += p * v[j * dh + c];
                }
            }
        }
    }

    @Override
    public void dotRowsTransposed(
            DType dtype,
            MemorySegment[] segments,
            long[] offsets,
            int rows,
            float[] xT,
            int stride,
            int count,
            int n,
            float[] scratch,
            float[] out) {
        float[] w = new float[n];
        for (int r = 0; r < rows; r++) {
            if (dtype == DType.F32) {
                MemorySegment.copy(segments[r], F32, offsets[r], w, 0, n);
            } else if (dtype.isQuantized()) {
                Quantization.decode(dtype, segments[r], offsets[r], w, 0, n);
            } else {
                widen(dtype, segments[r], offsets[r], w, n);
            }
            for (int t = 0; t < count; t++) {
                float sum = 0f;
                for (int k = 0; k < n; k++) {
                    sum += w[k] * xT[k * stride + t];
                }
                out[r * count + t] = sum;
            }
        }
    }

    @Override
    public int transposedStride(int count) {
        return count;
    }

    /** Widens n half-precision values (f16 or bf16) into {@code out}. */
    static void widen(DType dtype, MemorySegment segment, long byteOffset, float[] out, int n) {
        if (dtype == DType.F16) {
            for (int k = 0; k < n; k++) {
                out[k] = Float.float16ToFloat(segment.get(I16, byteOffset + 2L * k));
            }
        } else {
            for (int k = 0; k < n; k++) {
                out[k] = Float.intBitsToFloat(segment.get(I16, byteOffset + 2L * k) << 16);
            }
        }
    }
}
