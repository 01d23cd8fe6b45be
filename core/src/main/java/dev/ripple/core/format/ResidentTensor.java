package dev.ripple.core.format;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import dev.ripple.core.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A tensor kept in DRAM at run time (embeddings, attention, norms, biases, predictor factors),
 * as the writer stores it: {@code source} holds the values in any weight type, {@code dtype} is
 * the type the file holds. When the two agree the source's bytes are copied as they are (an
 * importer hands over a mapped checkpoint tensor without converting it or holding it on the
 * heap); otherwise the writer converts it one row at a time, so that quantizing a 500 MB
 * embedding table needs one row of working memory, not the table.
 *
 * <pre>{@code
 * contents.addTensor(new ResidentTensor("norm.weight", DType.F32, new long[] {d}, gamma));
 * contents.addTensor(ResidentTensor.stored("lm_head.weight", mapped).as(DType.Q8_0));
 * }</pre>
 *
 * @param dtype  the type stored in the file
 * @param source the values, in their own type
 */
public record ResidentTensor(String name, DType dtype, Tensor source) {

    public ResidentTensor {
        if (!dtype.holdsWeights()) {
            throw new IllegalArgumentException(
                    "tensor " + name + ": resident tensors hold weights, not " + dtype.label());
        }
        long[] shape = source.shape();
        if (dtype.isQuantized() && (shape.length == 0 || shape[shape.length - 1] % dtype.blockSize() != 0)) {
            throw new IllegalArgumentException("tensor " + name + ": " + dtype.label()
                    + " rows must hold whole blocks of " + dtype.blockSize() + ", shape " + Arrays.toString(shape));
        }
    }

    /** f32 values to be stored as {@code dtype}; the array is used in place, not copied. */
    public ResidentTensor(String name, DType dtype, long[] shape, float[] values) {
        this(name, dtype, new Tensor(name, DType.F32, shape, MemorySegment.ofArray(values)));
    }

    /** A tensor copied byte for byte in its own type (e.g. a mapped checkpoint tensor), under {@code name}. */
    public static ResidentTensor stored(String name, Tensor t) {
        return new ResidentTensor(name, t.dtype(), t);
    }

    /** The same values, to be stored as {@code type} (converted at write time). */
    public ResidentTensor as(DType type) {
        return new ResidentTensor(name, type, source);
    }

    public long[] shape() {
        return source.shape();
    }

    /** The values as f32, as given (before any conversion to {@link #dtype}). */
    public float[] values() {
        return source.toFloatArray();
    }

    /** True when the file holds the source's bytes unchanged. */
    public boolean copiedAsIs() {
        return source.dtype() == dtype;
    }

    /** Elements per row (the last dimension; 1 for a scalar). */
    public long rowLength() {
        long[] shape = source.shape();
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** The tensor as it will be stored: its bytes in {@code dtype} (encoded off-heap when converted). */
    public Tensor tensor() {
        if (copiedAsIs()) {
            return new Tensor(name, dtype, source.shape(), source.data());
        }
        long n = source.elementCount();
        MemorySegment s = Arena.ofAuto().allocate(dtype.bytes(n), 64);
        long row = rowLength();
        float[] buffer = new float[Math.toIntExact(row)];
        for (long r = 0; r * row < n; r++) {
            encodeRow(r, buffer, s, dtype.bytes(r * row));
        }
        return new Tensor(name, dtype, source.shape(), s);
    }

    /** Row {@code r} of the source, stored as {@code dtype} at {@code offset} of {@code dst}; {@code buffer} holds one row. */
    void encodeRow(long r, float[] buffer, MemorySegment dst, long offset) {
        source.copyTo(r * buffer.length, buffer, 0, buffer.length);
        Quantization.encode(dtype, buffer, 0, buffer.length, dst, offset);
    }

    /** Bytes the tensor takes in the file. */
    public long bytes() {
        return dtype.bytes(source.elementCount());
    }
}
