package dev.ripple.core.ffn.kernels;

import dev.ripple.core.format.DType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels: the only class that touches {@code jdk.incubator.vector}. f32 bundles are
 * read straight from the segment; f16/bf16 are widened into a scratch array first (the widening
 * is intrinsified on CPUs with F16C), then share the f32 loops.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public float dot(DType dtype, MemorySegment segment, long byteOffset, float[] x, int n, float[] scratch) {
        if (dtype != DType.F32) {
            ScalarKernels.widen(dtype, segment, byteOffset, scratch, n);
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
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            sum += x[k] * segment.get(ScalarKernels.F32, byteOffset + 4L * k);
        }
        return sum;
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
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            sum += x[k] * w[k];
        }
        return sum;
    }

    @Override
    public void axpy(DType dtype, float a, MemorySegment segment, long byteOffset, float[] y, int n, float[] scratch) {
        if (dtype != DType.F32) {
            ScalarKernels.widen(dtype, segment, byteOffset, scratch, n);
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
}
