package dev.ripple.core.tensor.kernels;

import dev.ripple.core.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels (with {@link QuantizedVectors}, the only classes that touch
 * {@code jdk.incubator.vector}). f32 bundles are read straight from the segment; f16/bf16 are
 * widened into a scratch array first (the widening is intrinsified on CPUs with F16C), Q8_0 and
 * Q4_0 blocks dequantized into it with vectors, then they share the f32 loops.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lane i → lane (i + half) mod length, for each halving step of {@link #sum}. */
    private static final VectorShuffle<Float>[] HALVES = halves();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halves() {
        int steps = Integer.numberOfTrailingZeros(S.length());
        VectorShuffle<Float>[] h = new VectorShuffle[steps];
        for (int i = 0, half = S.length() / 2; i < steps; i++, half /= 2) {
            h[i] = VectorShuffle.iota(S, half, 1, true);
        }
        return h;
    }

    /**
     * The sum of a vector's lanes in one fixed order (a tree of lane-wise adds), so that a result
     * never depends on whether the JIT has compiled the caller: {@code reduceLanes(ADD)} sums in
     * one order when intrinsified and in another when interpreted, and the same call then rounds
     * differently before and after warm-up.
     */
    private static float sum(FloatVector v) {
        FloatVector acc = v;
        for (VectorShuffle<Float> h : HALVES) {
            acc = acc.add(acc.rearrange(h));
        }
        return acc.lane(0);
    }
    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public float dot(DType dtype, MemorySegment segment, long byteOffset, float[] x, int n, float[] scratch) {
        if (dtype != DType.F32) {
            widen(dtype, segment, byteOffset, scratch, n);
            return dotArrays(scratch, x, n);
        }
        // Four independent accumulators: one chain of fused multiply-adds waits on the FMA latency
        // (about 4 cycles) each step; four chains keep the units busy.
        int len = S.length();
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        FloatVector acc2 = FloatVector.zero(S);
        FloatVector acc3 = FloatVector.zero(S);
        int k = 0;
        int upper4 = n - n % (4 * len);
        for (; k < upper4; k += 4 * len) {
            long at = byteOffset + 4L * k;
            acc0 = FloatVector.fromMemorySegment(S, segment, at, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, x, k), acc0);
            acc1 = FloatVector.fromMemorySegment(S, segment, at + 4L * len, ByteOrder.LITTLE_ENDIAN)
                    .fma(FloatVector.fromArray(S, x, k + len), acc1);
            acc2 = FloatVector.fromMemorySegment(S, segment, at + 8L * len, ByteOrder.LITTLE_ENDIAN)
                    .fma(FloatVector.fromArray(S, x, k + 2 * len), acc2);
            acc3 = FloatVector.fromMemorySegment(S, segment, at + 12L * len, ByteOrder.LITTLE_ENDIAN)
                    .fma(FloatVector.fromArray(S, x, k + 3 * len), acc3);
        }
        int upper = S.loopBound(n);
        for (; k < upper; k += len) {
            FloatVector w = FloatVector.fromMemorySegment(S, segment, byteOffset + 4L * k, ByteOrder.LITTLE_ENDIAN);
            acc0 = w.fma(FloatVector.fromArray(S, x, k), acc0);
        }
        float sum = sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; k < n; k++) {
            sum += x[k] * segment.get(ScalarKernels.F32, byteOffset + 4L * k);
        }
        return sum;
    }

    /** f16/bf16 widened element by element, Q8_0/Q4_0 dequantized with vectors, into {@code out[0, n)}. */
    private static void widen(DType dtype, MemorySegment segment, long byteOffset, float[] out, int n) {
        if (dtype.isQuantized()) {
            QuantizedVectors.PREFERRED.dequantize(dtype, segment, byteOffset, out, n);
        } else {
            ScalarKernels.widen(dtype, segment, byteOffset, out, n);
        }
    }

    private static float dotArrays(float[] w, float[] x, int n) {
        int len = S.length();
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        FloatVector acc2 = FloatVector.zero(S);
        FloatVector acc3 = FloatVector.zero(S);
        int k = 0;
        int upper4 = n - n % (4 * len);
        for (; k < upper4; k += 4 * len) {
            acc0 = FloatVector.fromArray(S, w, k).fma(FloatVector.fromArray(S, x, k), acc0);
            acc1 = FloatVector.fromArray(S, w, k + len).fma(FloatVector.fromArray(S, x, k + len), acc1);
            acc2 = FloatVector.fromArray(S, w, k + 2 * len).fma(FloatVector.fromArray(S, x, k + 2 * len), acc2);
            acc3 = FloatVector.fromArray(S, w, k + 3 * len).fma(FloatVector.fromArray(S, x, k + 3 * len), acc3);
        }
        int upper = S.loopBound(n);
        for (; k < upper; k += len) {
            acc0 = FloatVector.fromArray(S, w, k).fma(FloatVector.fromArray(S, x, k), acc0);
        }
        float sum = sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; k < n; k++) {
            sum += x[k] * w[k];
        }
        return sum;
    }

    @Override
    public void axpy(DType dtype, float a, MemorySegment segment, long byteOffset, float[] y, int n, float[] scratch) {
        if (dtype != DType.F32) {
            widen(dtype, segment, byteOffset, scratch, n);
            axpyArrays(a, scratch, y, n);
            return;
        }
        FloatVector av = FloatVector.broadcast(S, a);
        int k = 0;
        int upper = S.loopBound(n);
        for (; k < upper; k += S.length()) {
            FloatVector w = FloatVector.fromMemorySegment(S, segment, byteOffset + 4L * k, ByteOrder.LITTLE_ENDIAN);
            w.fma(av, FloatVector.fromArray(S, y, k)).intoArray(y, k);
        }
        for (; k < n; k++) {
            y[k] += a * segment.get(ScalarKernels.F32, byteOffset + 4L * k);
        }
    }

    private static void axpyArrays(float a, float[] w, float[] y, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int k = 0;
        int upper = S.loopBound(n);
        for (; k < upper; k += S.length()) {
            FloatVector.fromArray(S, w, k).fma(av, FloatVector.fromArray(S, y, k)).intoArray(y, k);
        }
        for (; k < n; k++) {
            y[k] += a * w[k];
        }
    }

    @Override
    public void dot4(DType dtype, MemorySegment segment, long byteOffset, float[] x0, float[] x1, float[] x2, float[] x3,
                     int n, float[] scratch, float[] out) {
        MemorySegment w = segment;
        long at = byteOffset;
        if (dtype != DType.F32) {
            widen(dtype, segment, byteOffset, scratch, n);
            w = MemorySegment.ofArray(scratch);
            at = 0;
        }
        // One chain per token: four independent FMA chains, one load of the row per step.
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        FloatVector acc2 = FloatVector.zero(S);
        FloatVector acc3 = FloatVector.zero(S);
        int k = 0;
        int upper = S.loopBound(n);
        for (; k < upper; k += S.length()) {
            FloatVector v = FloatVector.fromMemorySegment(S, w, at + 4L * k, ByteOrder.LITTLE_ENDIAN);
            acc0 = v.fma(FloatVector.fromArray(S, x0, k), acc0);
            acc1 = v.fma(FloatVector.fromArray(S, x1, k), acc1);
            acc2 = v.fma(FloatVector.fromArray(S, x2, k), acc2);
            acc3 = v.fma(FloatVector.fromArray(S, x3, k), acc3);
        }
        float s0 = sum(acc0);
        float s1 = sum(acc1);
        float s2 = sum(acc2);
        float s3 = sum(acc3);
        for (; k < n; k++) {
            float v = w.get(ScalarKernels.F32, at + 4L * k);
            s0 += x0[k] * v;
            s1 += x1[k] * v;
            s2 += x2[k] * v;
            s3 += x3[k] * v;
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
    }

    @Override
    public void axpy4(DType dtype, float a0, float a1, float a2, float a3, MemorySegment segment, long byteOffset,
                      float[] y0, float[] y1, float[] y2, float[] y3, int n, float[] scratch) {
        MemorySegment w = segment;
        long at = byteOffset;
        if (dtype != DType.F32) {
            widen(dtype, segment, byteOffset, scratch, n);
            w = MemorySegment.ofArray(scratch);
            at = 0;
        }
        FloatVector b0 = FloatVector.broadcast(S, a0);
        FloatVector b1 = FloatVector.broadcast(S, a1);
        FloatVector b2 = FloatVector.broadcast(S, a2);
        FloatVector b3 = FloatVector.broadcast(S, a3);
        int k = 0;
        int upper = S.loopBound(n);
        for (; k < upper; k += S.length()) {
            FloatVector v = FloatVector.fromMemorySegment(S, w, at + 4L * k, ByteOrder.LITTLE_ENDIAN);
            v.fma(b0, FloatVector.fromArray(S, y0, k)).intoArray(y0, k);
            v.fma(b1, FloatVector.fromArray(S, y1, k)).intoArray(y1, k);
            v.fma(b2, FloatVector.fromArray(S, y2, k)).intoArray(y2, k);
            v.fma(b3, FloatVector.fromArray(S, y3, k)).intoArray(y3, k);
        }
        for (; k < n; k++) {
            float v = w.get(ScalarKernels.F32, at + 4L * k);
            y0[k] += a0 * v;
            y1[k] += a1 * v;
            y2[k] += a2 * v;
            y3[k] += a3 * v;
        }
    }
}
