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
        FloatVector acc = FloatVector.zero(S);
        int k = 0;
        int upper = S.loopBound(n);
        for (; k < upper; k += S.length()) {
            FloatVector w = FloatVector.fromMemorySegment(S, segment, byteOffset + 4L * k, ByteOrder.LITTLE_ENDIAN);
            acc = w.fma(FloatVector.fromArray(S, x, k), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            sum += x[k] * segment.get(ScalarKernels.F32, byteOffset + 4L * k);
        }
        return sum;
    }

    private static float dotArrays(float[] w, float[] x, int n) {
        FloatVector acc = FloatVector.zero(S);
        int k = 0;
        int upper = S.loopBound(n);
        for (; k < upper; k += S.length()) {
            acc = FloatVector.fromArray(S, w, k).fma(FloatVector.fromArray(S, x, k), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
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
