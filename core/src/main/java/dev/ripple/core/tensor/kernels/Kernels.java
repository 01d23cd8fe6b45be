package dev.ripple.core.tensor.kernels;

import dev.ripple.core.tensor.DType;
import java.lang.foreign.MemorySegment;

/**
 * The two inner loops of a sparse FFN over bundles stored as {@code dtype} in a memory segment:
 * a dot product with the input (up and gate rows) and a scaled add into the output (down column).
 * Two implementations: {@link VectorKernels} (Vector API) and {@link ScalarKernels}, the reference;
 * {@link KernelProvider} picks one at start-up. No vector type appears in this interface.
 */
public interface Kernels {

    /** Short name for logs and reports ({@code vector-256}, {@code scalar}). */
    String name();

    /**
     * Σ_k x[k] · w[k] for the n elements of type {@code dtype} starting at {@code byteOffset}.
     *
     * @param scratch at least n floats, used by implementations that widen f16 first
     */
    float dot(DType dtype, MemorySegment segment, long byteOffset, float[] x, int n, float[] scratch);

    /** y[k] += a · w[k] for the n elements of type {@code dtype} starting at {@code byteOffset}. */
    void axpy(DType dtype, float a, MemorySegment segment, long byteOffset, float[] y, int n, float[] scratch);

    /**
     * Four dot products of one row with four inputs, {@code out[i] = Σ_k xs[i][k] · w[k]}: when a
     * sequence is computed at once, a row loaded (and widened) once serves four tokens.
     */
    void dot4(DType dtype, MemorySegment segment, long byteOffset, float[] x0, float[] x1, float[] x2, float[] x3, int n,
              float[] scratch, float[] out);

    /** Four scaled adds of one row, {@code y_i[k] += a_i · w[k]}, loading the row once. */
    void axpy4(DType dtype, float a0, float a1, float a2, float a3, MemorySegment segment, long byteOffset, float[] y0,
               float[] y1, float[] y2, float[] y3, int n, float[] scratch);
}
