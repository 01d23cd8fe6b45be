package dev.ripple.core.tensor.kernels;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.ThreadScratch;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels (with {@link QuantizedVectors}, the only classes that touch
 * {@code jdk.incubator.vector}). f32 bundles are read straight from the segment; f16/bf16 are
 * widened into a scratch array first (the widening is intrinsified on CPUs with F16C), then they
 * share the f32 loops. Q8_0 and Q4_0 blocks are dequantized into it with vectors, then share the
 * f32 loops too; except that the one-token {@link #dot} and {@link #axpy} on Q4_0 at 256 and 512
 * bits compute on the blocks in registers ({@link QuantizedVectors#dotQ4}, {@link QuantizedVectors#axpyQ4}: the scale
 * applied once per block).
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lane i → lane (i + half) mod length, for each halving step of {@link #sum}. */
    private static final VectorShuffle<Float>[] HALVES = halves();

    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: Java has no other way to make one
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

    /**
     * {@link #sum} of the {@code len} lanes stored at {@code lanes[0, len)}, in the same order (so
     * the same bits): at each halving step lane i adds lane i + half, as {@code acc.add(acc.rearrange(h))}
     * does for the lanes the next steps read. Overwrites the lanes.
     */
    static float sumLanes(float[] lanes, int len) {
        for (int half = len / 2; half > 0; half /= 2) {
            for (int i = 0; i < half; i++) {
                lanes[i] = lanes[i] + lanes[i + half];
            }
        }
        return lanes[0];
    }

    /**
     * Whether the one-token Q4_0 kernels use the fused ones ({@link QuantizedVectors#dotQ4}): at 256
     * and 512 bits, not at 128, where an ad-hoc probe ({@code -XX:MaxVectorSize=16} on AVX-512) found
     * the fused dot an order of magnitude slower than dequantizing first, as if running the Vector API's fallback (not
     * yet explained; PERFORMANCE.md §17, "Fused dequantize-dot"). The tests still check it at 128.
     */
    private static final boolean FUSED_Q4 = S.length() >= 8;

    /** Where {@link #dot} stores its lanes when the caller gave no scratch (f32 needs none to widen). */
    private static final ThreadScratch DOT_LANES = new ThreadScratch();

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public float dot(DType dtype, MemorySegment segment, long byteOffset, float[] x, int n, float[] scratch) {
        if (dtype == DType.Q4_0 && FUSED_Q4) {
            return QuantizedVectors.PREFERRED.dotQ4(segment, byteOffset, x, n);
        }
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
            acc0 = FloatVector.fromMemorySegment(S, segment, at, ByteOrder.LITTLE_ENDIAN)
                    .fma(FloatVector.fromArray(S, x, k), acc0);
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
        // Not sum(...): C2 compiles sum on its own and then declines to inline it here ("already
        // compiled into a medium method"), so the vector was boxed at every call (about 100 bytes
        // per key per head in attention, PERFORMANCE.md "Allocation per decode step"). Stored, the
        // lanes are summed in sum's order.
        float[] lanes = scratch != null && scratch.length >= len ? scratch : DOT_LANES.floats(len);
        acc0.add(acc1).add(acc2.add(acc3)).intoArray(lanes, 0);
        float sum = sumLanes(lanes, len);
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
        if (dtype == DType.Q4_0 && FUSED_Q4) {
            QuantizedVectors.PREFERRED.axpyQ4(a, segment, byteOffset, y, n);
            return;
        }
        if (dtype != DType.F32) {
            widen(dtype, segment, byteOffset, scratch, n);
            axpyArrays(a, scratch, 0, y, n);
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
        if (rows < 1 || rows > MAX_ROWS) {
            throw new IllegalArgumentException(rows + " rows; 1.." + MAX_ROWS + " per call");
        }
        stageRows(dtype, segments, offsets, rows, scratch, n);
        // Ragged edges go through the same tile with a row or token repeated and its results
        // dropped: every (row, token) pair is summed in one order, and a cheaper edge is not worth
        // a second code path.
        int a1 = rows > 1 ? n : 0;
        int a2 = rows > 2 ? 2 * n : 0;
        int a3 = rows > 3 ? 3 * n : 0;
        float[] lanes = TILE_LANES.floats(TILE_SUMS * S.length() + TILE_SUMS);
        for (int c = 0; c < count; c += 3) {
            int cols = Math.min(3, count - c);
            float[] x0 = xs[tokens == null ? c : tokens[c]];
            float[] x1 = cols > 1 ? xs[tokens == null ? c + 1 : tokens[c + 1]] : x0;
            float[] x2 = cols > 2 ? xs[tokens == null ? c + 2 : tokens[c + 2]] : x0;
            tile4x3(scratch, a1, a2, a3, x0, x1, x2, n, lanes, out, count, c, rows, cols);
        }
    }

    /**
     * Copies (f32) or widens (f16, bf16, Q8_0, Q4_0) rows [0, rows) into {@code out[r·n, (r + 1)·n)}:
     * the tiles then load from a heap array, which C2 compiles to plain vector loads, where a load
     * from a mapped segment carries bounds and liveness checks (measured: a third of the tile's
     * time). The rows are a few KiB, reused by every token of the call. The widening routines
     * write from index 0, so rows go last first, each through {@code out[0, n)}.
     */
    private static void stageRows(DType dtype, MemorySegment[] segments, long[] offsets, int rows, float[] out, int n) {
        for (int r = rows - 1; r >= 0; r--) {
            if (dtype == DType.F32) {
                // Into the array directly: a plain memory copy where the host is little-endian as
                // the file (the JDK swaps bytes only when the layout's order is not the host's). A
                // segment over the array (MemorySegment.ofArray, as before) was a new object per
                // row whenever C2 did not scalar-replace it, 72 bytes, 11 KB per forwardAll.
                MemorySegment.copy(segments[r], ScalarKernels.F32, offsets[r], out, r * n, n);
            } else {
                widen(dtype, segments[r], offsets[r], out, n);
                if (r > 0) {
                    System.arraycopy(out, 0, out, r * n, n);
                }
            }
        }
    }

    /** Accumulators of a {@link #tile4x3}: four rows by three tokens. */
    private static final int TILE_SUMS = 12;

    /**
     * A tile's accumulators, stored for their lane sums, then the sums ({@code TILE_SUMS · length}
     * floats, then {@code TILE_SUMS}); per thread, as the executor's scratch is.
     */
    private static final ThreadScratch TILE_LANES = new ThreadScratch();

    /**
     * Four rows (at {@code w[0]}, {@code w[a1]}, {@code w[a2]}, {@code w[a3]}) by three tokens: twelve
     * accumulators, four row loads and three token loads per twelve fused multiply-adds, which fits
     * AVX2's sixteen vector registers as well as AVX-512's thirty-two. Each pair is summed as
     * {@link #dot4} sums a token: one accumulator, the lane tree of {@link #sum}, a scalar tail.
     *
     * <p>The accumulators are stored into {@code lanes} and summed one at a time in a loop, not
     * summed in place: twelve inlined {@link #sum}s made the method too large for C2 (it stopped
     * inlining at its node cutoff), and the sums it did not inline boxed their vectors, about 33 KB
     * per {@code forwardAll} of four tokens. The sums are the same operations on the same values.
     */
    private static void tile4x3(
            float[] w,
            int a1,
            int a2,
            int a3,
            float[] x0,
            float[] x1,
            float[] x2,
            int n,
            float[] lanes,
            float[] out,
            int count,
            int c,
            int rows,
            int cols) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        int len = S.length();
        int k = 0;
        int upper = S.loopBound(n);
        for (; k < upper; k += len) {
            FloatVector v0 = FloatVector.fromArray(S, x0, k);
            FloatVector v1 = FloatVector.fromArray(S, x1, k);
            FloatVector v2 = FloatVector.fromArray(S, x2, k);
            FloatVector r = FloatVector.fromArray(S, w, k);
            c00 = r.fma(v0, c00);
            c01 = r.fma(v1, c01);
            c02 = r.fma(v2, c02);
            r = FloatVector.fromArray(S, w, a1 + k);
            c10 = r.fma(v0, c10);
            c11 = r.fma(v1, c11);
            c12 = r.fma(v2, c12);
            r = FloatVector.fromArray(S, w, a2 + k);
            c20 = r.fma(v0, c20);
            c21 = r.fma(v1, c21);
            c22 = r.fma(v2, c22);
            r = FloatVector.fromArray(S, w, a3 + k);
            c30 = r.fma(v0, c30);
            c31 = r.fma(v1, c31);
            c32 = r.fma(v2, c32);
        }
        c00.intoArray(lanes, 0);
        c01.intoArray(lanes, len);
        c02.intoArray(lanes, 2 * len);
        c10.intoArray(lanes, 3 * len);
        c11.intoArray(lanes, 4 * len);
        c12.intoArray(lanes, 5 * len);
        c20.intoArray(lanes, 6 * len);
        c21.intoArray(lanes, 7 * len);
        c22.intoArray(lanes, 8 * len);
        c30.intoArray(lanes, 9 * len);
        c31.intoArray(lanes, 10 * len);
        c32.intoArray(lanes, 11 * len);
        int sums = TILE_SUMS * len;
        for (int i = 0; i < TILE_SUMS; i++) {
            lanes[sums + i] = sum(FloatVector.fromArray(S, lanes, i * len));
        }
        float s00 = lanes[sums], s01 = lanes[sums + 1], s02 = lanes[sums + 2];
        float s10 = lanes[sums + 3], s11 = lanes[sums + 4], s12 = lanes[sums + 5];
        float s20 = lanes[sums + 6], s21 = lanes[sums + 7], s22 = lanes[sums + 8];
        float s30 = lanes[sums + 9], s31 = lanes[sums + 10], s32 = lanes[sums + 11];
        for (; k < n; k++) {
            float y0 = x0[k];
            float y1 = x1[k];
            float y2 = x2[k];
            s00 += y0 * w[k];
            s01 += y1 * w[k];
            s02 += y2 * w[k];
            s10 += y0 * w[a1 + k];
            s11 += y1 * w[a1 + k];
            s12 += y2 * w[a1 + k];
            s20 += y0 * w[a2 + k];
            s21 += y1 * w[a2 + k];
            s22 += y2 * w[a2 + k];
            s30 += y0 * w[a3 + k];
            s31 += y1 * w[a3 + k];
            s32 += y2 * w[a3 + k];
        }
        put(out, c, s00, s01, s02, cols);
        if (rows > 1) {
            put(out, count + c, s10, s11, s12, cols);
        }
        if (rows > 2) {
            put(out, 2 * count + c, s20, s21, s22, cols);
        }
        if (rows > 3) {
            put(out, 3 * count + c, s30, s31, s32, cols);
        }
    }

    private static void put(float[] out, int at, float a, float b, float c, int cols) {
        out[at] = a;
        if (cols > 1) {
            out[at + 1] = b;
        }
        if (cols > 2) {
            out[at + 2] = c;
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
        if (rows < 1 || rows > MAX_ROWS) {
            throw new IllegalArgumentException(rows + " rows; 1.." + MAX_ROWS + " per call");
        }
        stageRows(dtype, segments, offsets, rows, scratch, n);
        int c = 0;
        if (rows == 4) {
            for (; c + 2 <= count; c += 2) {
                tileAxpy4x2(
                        scratch,
                        n,
                        coefficients,
                        count,
                        c,
                        ys[tokens == null ? c : tokens[c]],
                        ys[tokens == null ? c + 1 : tokens[c + 1]]);
            }
        }
        for (; c < count; c++) {
            float[] y = ys[tokens == null ? c : tokens[c]];
            for (int r = 0; r < rows; r++) {
                float a = coefficients[r * count + c];
                if (a != 0f) {
                    axpyArrays(a, scratch, r * n, y, n);
                }
            }
        }
    }

    /**
     * Four staged rows ({@code w[r·n, (r + 1)·n)}) into two tokens' outputs: each output vector is
     * loaded and stored once for four fused multiply-adds (rows in order), where one row at a time
     * stores it four times.
     */
    private static void tileAxpy4x2(float[] w, int n, float[] coefficients, int count, int c, float[] y0, float[] y1) {
        float e00 = coefficients[c], e01 = coefficients[c + 1];
        float e10 = coefficients[count + c], e11 = coefficients[count + c + 1];
        float e20 = coefficients[2 * count + c], e21 = coefficients[2 * count + c + 1];
        float e30 = coefficients[3 * count + c], e31 = coefficients[3 * count + c + 1];
        FloatVector b00 = FloatVector.broadcast(S, e00), b01 = FloatVector.broadcast(S, e01);
        FloatVector b10 = FloatVector.broadcast(S, e10), b11 = FloatVector.broadcast(S, e11);
        FloatVector b20 = FloatVector.broadcast(S, e20), b21 = FloatVector.broadcast(S, e21);
        FloatVector b30 = FloatVector.broadcast(S, e30), b31 = FloatVector.broadcast(S, e31);
        int a1 = n;
        int a2 = 2 * n;
        int a3 = 3 * n;
        int k = 0;
        int upper = S.loopBound(n);
        for (; k < upper; k += S.length()) {
            FloatVector w0 = FloatVector.fromArray(S, w, k);
            FloatVector w1 = FloatVector.fromArray(S, w, a1 + k);
            FloatVector w2 = FloatVector.fromArray(S, w, a2 + k);
            FloatVector w3 = FloatVector.fromArray(S, w, a3 + k);
            w3.fma(b30, w2.fma(b20, w1.fma(b10, w0.fma(b00, FloatVector.fromArray(S, y0, k)))))
                    .intoArray(y0, k);
            w3.fma(b31, w2.fma(b21, w1.fma(b11, w0.fma(b01, FloatVector.fromArray(S, y1, k)))))
                    .intoArray(y1, k);
        }
        for (; k < n; k++) {
            y0[k] = (((y0[k] + e00 * w[k]) + e10 * w[a1 + k]) + e20 * w[a2 + k]) + e30 * w[a3 + k];
            y1[k] = (((y1[k] + e01 * w[k]) + e11 * w[a1 + k]) + e21 * w[a2 + k]) + e31 * w[a3 + k];
        }
    }

    /** y[k] += a · w[at + k]: a row widened into an array ({@link #axpy}) or staged among others ({@link #axpyRows}). */
    private static void axpyArrays(float a, float[] w, int at, float[] y, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int k = 0;
        int upper = S.loopBound(n);
        for (; k < upper; k += S.length()) {
            FloatVector.fromArray(S, w, at + k)
                    .fma(av, FloatVector.fromArray(S, y, k))
                    .intoArray(y, k);
        }
        for (; k < n; k++) {
            y[k] += a * w[at + k];
        }
    }

    /** 1/√2: GELU(x) = x·(1 + erf(x/√2))/2. */
    private static final float INV_SQRT2 = 0.70710678118654752f;

    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector A3 = FloatVector.broadcast(S, 1.421413741f);
    private static final FloatVector A2 = FloatVector.broadcast(S, -0.284496736f);
    private static final FloatVector A1 = FloatVector.broadcast(S, 0.254829592f);

    /**
     * erf by Abramowitz and Stegun 7.1.26, {@code 1 − t·P(t)·e^(−z²)} with {@code t = 1/(1 + p·|z|)}
     * (absolute error 1.5e-7 in exact arithmetic), with the sign of z: one division and one
     * exponential ({@link #exp}) per lane, no branches. Every step is an IEEE operation the
     * interpreter and C2 round alike, and the tail ({@link #geluScalar}) performs the same steps in
     * the same order: a value's GELU is the same bits cold or warm, in a lane or in the tail.
     */
    @Override
    public void gelu(float[] v, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        for (; i < upper; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, v, i);
            FloatVector z = x.mul(INV_SQRT2);
            FloatVector az = z.abs();
            FloatVector t = ONE.div(az.fma(0.3275911f, 1f));
            FloatVector p = t.fma(1.061405429f, -1.453152027f)
                    .fma(t, A3)
                    .fma(t, A2)
                    .fma(t, A1)
                    .mul(t);
            FloatVector e = exp(az.mul(az).neg());
            FloatVector erfAbs = p.mul(e).neg().add(1f);
            FloatVector erf = erfAbs.blend(erfAbs.neg(), z.lt(0f));
            x.mul(0.5f).mul(erf.add(1f)).intoArray(v, i);
        }
        for (; i < to; i++) {
            v[i] = geluScalar(v[i]);
        }
    }

    /** The lanes' steps on one value, in their order: bit for bit what a lane gives. */
    static float geluScalar(float x) {
        float z = x * INV_SQRT2;
        float az = Math.abs(z);
        float t = 1f / Math.fma(az, 0.3275911f, 1f);
        float p = Math.fma(
                        Math.fma(Math.fma(Math.fma(t, 1.061405429f, -1.453152027f), t, 1.421413741f), t, -0.284496736f),
                        t,
                        0.254829592f)
                * t;
        float erfAbs = -(p * expScalar(-(az * az))) + 1f;
        float erf = z < 0f ? -erfAbs : erfAbs;
        return 0.5f * x * (erf + 1f);
    }

    /** Below this e^x is under the smallest normal float, and {@link #exp} returns 0. */
    private static final float EXP_MIN = -87.33f;
    /** 1.5·2^23: added to a float of magnitude below 2^22, rounds it to an integer held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    /** The bits of {@link #ROUNDER} less the exponent bias: {@code bits(ROUNDER + n) − this} is {@code n + 127}. */
    private static final int ROUNDER_BITS_LESS_BIAS = Float.floatToRawIntBits(ROUNDER) - 127;

    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 in two parts (Cody and Waite): n·LN2_HI is exact for the n here, so r = x − n·ln 2 loses nothing. */
    private static final float LN2_HI = 0.693359375f;

    private static final float LN2_LO = -2.12194440e-4f;
    private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector E4 = FloatVector.broadcast(S, 8.3334519073e-3f);
    private static final FloatVector E3 = FloatVector.broadcast(S, 4.1665795894e-2f);
    private static final FloatVector E2 = FloatVector.broadcast(S, 1.6666665459e-1f);
    private static final FloatVector E1 = FloatVector.broadcast(S, 5.0000001201e-1f);

    /**
     * e^x for x ≤ 0 (GELU's e^(−z²), the softmax's e^(s − max)); 0 below {@link #EXP_MIN}, NaN for
     * NaN. Not {@code lanewise(EXP)}: C2 computes that with the CPU's vector maths library (SVML
     * on x86) while the interpreter, and C1, compute {@code (float) Math.exp}, and the two differ
     * in the last bit for about one value in 300, so the first calls of a run rounded differently
     * from the later ones. Here only adds, multiplies, fused multiply-adds and integer bit
     * operations, which both round alike: x = n·ln 2 + r with n = round(x·log2 e), e^r by Cephes'
     * degree-6 polynomial (relative error about 1e-7), times 2^n built in the exponent bits.
     */
    private static FloatVector exp(FloatVector x) {
        VectorMask<Float> under = x.lt(EXP_MIN);
        FloatVector xc = x.blend(EXP_MIN, under);
        FloatVector shifted = xc.fma(LOG2E, ROUNDER);
        FloatVector n = shifted.sub(ROUNDER);
        FloatVector r = n.fma(NEG_LN2_HI, xc).add(n.mul(NEG_LN2_LO));
        FloatVector q = r.fma(1.9875691500e-4f, 1.3981999507e-3f)
                .fma(r, E4)
                .fma(r, E3)
                .fma(r, E2)
                .fma(r, E1);
        FloatVector er = q.fma(r.mul(r), r).add(1f);
        FloatVector twoToN = shifted.reinterpretAsInts()
                .sub(ROUNDER_BITS_LESS_BIAS)
                .lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return er.mul(twoToN).blend(0f, under);
    }

    /** {@link #exp} on one value, its steps in its order: bit for bit what a lane gives. */
    static float expScalar(float x) {
        boolean under = x < EXP_MIN;
        float xc = under ? EXP_MIN : x;
        float shifted = Math.fma(xc, LOG2E, ROUNDER);
        float n = shifted - ROUNDER;
        float r = Math.fma(n, -LN2_HI, xc) + n * -LN2_LO;
        float q = Math.fma(
                Math.fma(
                        Math.fma(
                                Math.fma(Math.fma(r, 1.9875691500e-4f, 1.3981999507e-3f), r, 8.3334519073e-3f),
                                r,
                                4.1665795894e-2f),
                        r,
                        1.6666665459e-1f),
                r,
                5.0000001201e-1f);
        float er = Math.fma(q, r * r, r) + 1f;
        float twoToN = Float.intBitsToFloat((Float.floatToRawIntBits(shifted) - ROUNDER_BITS_LESS_BIAS) << 23);
        return under ? 0f : er * twoToN;
    }

    /**
     * Keys transposed once per head ({@code kT[c·n + j]}), so that a query's scores are vectors
     * over keys: {@code scores += q[i][c] · kT[c]}, with no horizontal sums. The exponentials are
     * vector ones ({@link #exp}, the tail's {@link #expScalar} the same bits); their sum is added
     * key by key in order, so it does not depend on the JIT.
     */
    @Override
    public void attention(float[] q, float[] k, float[] v, int n, int dh, float scale, float[] scratch, float[] out) {
        float[] kT = scratch;
        int scoresAt = n * dh;
        for (int j = 0; j < n; j++) {
            for (int c = 0; c < dh; c++) {
                kT[c * n + j] = k[j * dh + c];
            }
        }
        int len = S.length();
        int keysUpper = S.loopBound(n);
        int dimsUpper = S.loopBound(dh);
        for (int i = 0; i < n; i++) {
            int qi = i * dh;
            int j = 0;
            for (; j < keysUpper; j += len) {
                FloatVector acc = FloatVector.zero(S);
                for (int c = 0; c < dh; c++) {
                    acc = FloatVector.fromArray(S, kT, c * n + j).fma(FloatVector.broadcast(S, q[qi + c]), acc);
                }
                acc.mul(scale).intoArray(scratch, scoresAt + j);
            }
            for (; j < n; j++) {
                float s = 0;
                for (int c = 0; c < dh; c++) {
                    s = Math.fma(kT[c * n + j], q[qi + c], s);
                }
                scratch[scoresAt + j] = s * scale;
            }
            float max = Float.NEGATIVE_INFINITY;
            for (j = 0; j < n; j++) {
                max = Math.max(max, scratch[scoresAt + j]);
            }
            j = 0;
            for (; j < keysUpper; j += len) {
                exp(FloatVector.fromArray(S, scratch, scoresAt + j).sub(max)).intoArray(scratch, scoresAt + j);
            }
            for (; j < n; j++) {
                scratch[scoresAt + j] = expScalar(scratch[scoresAt + j] - max);
            }
            float sum = 0;
            for (j = 0; j < n; j++) {
                sum += scratch[scoresAt + j];
            }
            float inv = 1f / sum;
            int c = 0;
            for (; c < dimsUpper; c += len) {
                FloatVector acc = FloatVector.zero(S);
                for (j = 0; j < n; j++) {
                    acc = FloatVector.fromArray(S, v, j * dh + c)
                            .fma(FloatVector.broadcast(S, scratch[scoresAt + j]), acc);
                }
                acc.mul(inv).intoArray(out, qi + c);
            }
            for (; c < dh; c++) {
                float acc = 0;
                for (j = 0; j < n; j++) {
                    acc = Math.fma(v[j * dh + c], scratch[scoresAt + j], acc);
                }
                out[qi + c] = acc * inv;
            }
        }
    }

    @Override
    public int transposedStride(int count) {
        int len = S.length();
        return (count + len - 1) / len * len;
    }

    /**
     * Four staged rows by two vectors of tokens: eight accumulators; per step of k two token
     * loads and four weight broadcasts feed eight fused multiply-adds. A last odd vector of tokens
     * runs with four accumulators.
     */
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
        if (rows < 1 || rows > MAX_ROWS) {
            throw new IllegalArgumentException(rows + " rows; 1.." + MAX_ROWS + " per call");
        }
        if (stride < count || stride % S.length() != 0 || xT.length < n * stride) {
            throw new IllegalArgumentException("transposed tokens: stride " + stride + " for " + count + " tokens of "
                    + n + " in " + xT.length + " floats");
        }
        stageRows(dtype, segments, offsets, rows, scratch, n);
        float[] w = scratch;
        int len = S.length();
        int a1 = rows > 1 ? n : 0;
        int a2 = rows > 2 ? 2 * n : 0;
        int a3 = rows > 3 ? 3 * n : 0;
        for (int t = 0; t < count; t += 2 * len) {
            boolean two = t + len < count;
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            if (two) {
                for (int k = 0, at = t; k < n; k++, at += stride) {
                    FloatVector v0 = FloatVector.fromArray(S, xT, at);
                    FloatVector v1 = FloatVector.fromArray(S, xT, at + len);
                    FloatVector b = FloatVector.broadcast(S, w[k]);
                    c00 = b.fma(v0, c00);
                    c01 = b.fma(v1, c01);
                    b = FloatVector.broadcast(S, w[a1 + k]);
                    c10 = b.fma(v0, c10);
                    c11 = b.fma(v1, c11);
                    b = FloatVector.broadcast(S, w[a2 + k]);
                    c20 = b.fma(v0, c20);
                    c21 = b.fma(v1, c21);
                    b = FloatVector.broadcast(S, w[a3 + k]);
                    c30 = b.fma(v0, c30);
                    c31 = b.fma(v1, c31);
                }
            } else {
                for (int k = 0, at = t; k < n; k++, at += stride) {
                    FloatVector v0 = FloatVector.fromArray(S, xT, at);
                    c00 = FloatVector.broadcast(S, w[k]).fma(v0, c00);
                    c10 = FloatVector.broadcast(S, w[a1 + k]).fma(v0, c10);
                    c20 = FloatVector.broadcast(S, w[a2 + k]).fma(v0, c20);
                    c30 = FloatVector.broadcast(S, w[a3 + k]).fma(v0, c30);
                }
            }
            // Straight into out, the last vector of a row masked to its tokens: a lanes array
            // staged them before, one new array per call (528 bytes with 16 lanes).
            int m = Math.min(2 * len, count - t);
            int at = t;
            store(c00, c01, m, out, at);
            if (rows > 1) {
                store(c10, c11, m, out, at += count);
            }
            if (rows > 2) {
                store(c20, c21, m, out, at += count);
            }
            if (rows > 3) {
                store(c30, c31, m, out, at += count);
            }
        }
    }

    /** Where a partial vector's lanes are staged before the copy of its first ones (one per thread). */
    private static final ThreadLocal<float[]> PARTIAL = ThreadLocal.withInitial(() -> new float[S.length()]);

    /**
     * The first {@code m} of the lanes of {@code lo} then {@code hi} into {@code out[at, at + m)},
     * nothing past it. Whole vectors are stored as they are; a partial one goes through this
     * thread's staging array and a copy of its first lanes, which allocates nothing once the thread
     * has its array. A masked store ({@code intoArray(out, at, S.indexInRange(...))}) did the same
     * in one call and made the dense encoder forward about 1.7x slower on this machine (bisected,
     * PERFORMANCE.md §15, "A regression found by bisection").
     */
    private static void store(FloatVector lo, FloatVector hi, int m, float[] out, int at) {
        int len = S.length();
        if (m >= len) {
            lo.intoArray(out, at);
            if (m >= 2 * len) {
                hi.intoArray(out, at + len);
            } else if (m > len) {
                partial(hi, m - len, out, at + len);
            }
        } else {
            partial(lo, m, out, at);
        }
    }

    private static void partial(FloatVector v, int m, float[] out, int at) {
        float[] lanes = PARTIAL.get();
        v.intoArray(lanes, 0);
        System.arraycopy(lanes, 0, out, at, m);
    }
}
