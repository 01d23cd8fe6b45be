package dev.ripple.core.ffn.kernels;

import dev.ripple.core.format.DType;
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
}
