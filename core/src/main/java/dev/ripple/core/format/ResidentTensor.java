package dev.ripple.core.format;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import dev.ripple.core.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A tensor kept in DRAM at run time (embeddings, attention, norms, biases, predictor factors),
 * given to the writer either as f32 values to store as {@code dtype}, or as bytes already in
 * {@code dtype} ({@link #stored}), which the writer copies as they are: an importer hands over a
 * mapped checkpoint tensor without converting it or holding it on the heap.
 *
 * @param values f32 values (null when {@code stored} is given)
 * @param stored the bytes in {@code dtype}, little-endian (null when {@code values} is given)
 */
public record ResidentTensor(String name, DType dtype, long[] shape, float[] values, MemorySegment stored) {

    public ResidentTensor {
        shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + ": negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (!dtype.holdsWeights()) {
            throw new IllegalArgumentException("tensor " + name + ": resident tensors hold weights, not " + dtype.label());
        }
        if ((values == null) == (stored == null)) {
            throw new IllegalArgumentException("tensor " + name + ": give either values or stored bytes");
        }
        if (values != null && n != values.length) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but " + values.length + " values were given");
        }
        if (dtype.isQuantized() && (shape.length == 0 || shape[shape.length - 1] % dtype.blockSize() != 0)) {
            throw new IllegalArgumentException("tensor " + name + ": " + dtype.label() + " rows must hold whole blocks of "
                    + dtype.blockSize() + ", shape " + Arrays.toString(shape));
        }
        if (stored != null && stored.byteSize() != dtype.bytes(n)) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " of "
                    + dtype.label() + " needs " + dtype.bytes(n) + " bytes, " + stored.byteSize() + " were given");
        }
    }

    /** f32 values to be stored as {@code dtype}. */
    public ResidentTensor(String name, DType dtype, long[] shape, float[] values) {
        this(name, dtype, shape, values, null);
    }

    /** A tensor copied byte for byte in its own type (e.g. a mapped checkpoint tensor), under {@code name}. */
    public static ResidentTensor stored(String name, Tensor t) {
        return new ResidentTensor(name, t.dtype(), t.shape(), null, t.data());
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The values as f32 (decoded from the stored bytes when the tensor was given that way). */
    @Override
    public float[] values() {
        return values != null ? values : new Tensor(name, dtype, shape, stored).toFloatArray();
    }

    /** The tensor as it will be stored: its bytes in {@code dtype} (encoded off-heap when given as values). */
    public Tensor tensor() {
        if (stored != null) {
            return new Tensor(name, dtype, shape, stored);
        }
        MemorySegment s = Arena.ofAuto().allocate(dtype.bytes(values.length), 64);
        Quantization.encode(dtype, values, 0, values.length, s, 0);
        return new Tensor(name, dtype, shape, s);
    }

    /** Bytes the tensor takes in the file. */
    public long bytes() {
        return stored != null ? stored.byteSize() : dtype.bytes(values.length);
    }
}
