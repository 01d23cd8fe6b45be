package dev.ripple.core.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A named tensor in memory in its stored element type: a section of a mapped {@code .ripple} or
 * safetensors file, or an off-heap buffer. Reading it never copies it onto the heap unless asked
 * ({@link #toFloatArray()}): a 7B model's embeddings and attention stay where they are mapped.
 * Values are little-endian, row-major, outermost dimension first.
 *
 * <pre>{@code
 * Tensor w = file.tensor("model.layers.0.self_attn.q_proj.weight").orElseThrow();   // [out, in], f16
 * Linear q = Linear.of(w, null);
 * float first = w.get(0);
 * }</pre>
 *
 * @param name  where it came from, for error messages
 * @param dtype stored element type (a float type)
 * @param shape dimensions, outermost first
 * @param data  exactly {@code dtype.bytes(elementCount())} bytes
 */
public record Tensor(String name, DType dtype, long[] shape, MemorySegment data) {

    public Tensor {
        shape = shape.clone();
        long n = count(name, shape);
        if (!dtype.holdsWeights()) {
            throw new IllegalArgumentException("tensor " + name + ": holds " + dtype.label() + ", not weights");
        }
        if (dtype.isQuantized() && (shape.length == 0 || shape[shape.length - 1] % dtype.blockSize() != 0)) {
            throw new IllegalArgumentException("tensor " + name + ": " + dtype.label()
                    + " rows must hold whole blocks of " + dtype.blockSize() + ", shape " + Arrays.toString(shape));
        }
        if (data.byteSize() != dtype.bytes(n)) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " of "
                    + dtype.label() + " needs " + dtype.bytes(n) + " bytes, the data has " + data.byteSize());
        }
    }

    /** An f32 tensor holding a copy of {@code values} off-heap (for tests and small computed tensors). */
    public static Tensor ofFloats(String name, long[] shape, float[] values) {
        MemorySegment s = Arena.ofAuto().allocate(4L * values.length, 64);
        MemorySegment.copy(values, 0, s, LittleEndian.F32, 0, values.length);
        return new Tensor(name, DType.F32, shape, s);
    }

    /**
     * Number of elements {@code shape} declares (1 for rank 0), or -1 if a dimension is negative or
     * the product overflows: for file readers, which turn -1 into an error naming the file.
     */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    private static long count(String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "tensor " + name + ": negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    public int rank() {
        return shape.length;
    }

    public long elementCount() {
        return count(name, shape);
    }

    /** Element {@code i} (row-major) as a float. */
    public float get(long i) {
        return Quantization.get(dtype, data, 0, i);
    }

    /** Copies {@code n} elements from element {@code from} into {@code out[at ..]}, as floats. */
    public void copyTo(long from, float[] out, int at, int n) {
        if (dtype == DType.F32) {
            MemorySegment.copy(data, LittleEndian.F32, 4 * from, out, at, n);
            return;
        }
        int block = dtype.blockSize();
        if (from % block == 0 && n % block == 0) {
            Quantization.decode(dtype, data, dtype.bytes(from), out, at, n); // whole blocks (rows of a matrix)
            return;
        }
        for (int k = 0; k < n; k++) {
            out[at + k] = Quantization.get(dtype, data, 0, from + k);
        }
    }

    /** The whole tensor on the heap as f32: for small tensors (norms, biases), never for matrices on the hot path. */
    public float[] toFloatArray() {
        long n = elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor " + name + " has too many elements for one array: " + n);
        }
        float[] out = new float[(int) n];
        copyTo(0, out, 0, out.length);
        return out;
    }

    /** {@code name f16[4096, 4096]}. */
    public String describe() {
        return name + " " + dtype.label() + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t
                && t.name.equals(name)
                && t.dtype == dtype
                && Arrays.equals(t.shape, shape)
                && t.data.equals(data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "Tensor[" + describe() + "]";
    }
}
