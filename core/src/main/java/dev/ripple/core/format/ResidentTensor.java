package dev.ripple.core.format;

import java.util.Arrays;

/**
 * A tensor kept in DRAM at run time (embeddings, attention, norms, biases), given to the writer
 * as f32 values and stored as {@code dtype}.
 */
public record ResidentTensor(String name, DType dtype, long[] shape, float[] values) {

    public ResidentTensor {
        shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + ": negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != values.length) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but " + values.length + " values were given");
        }
        if (!dtype.isFloat()) {
            throw new IllegalArgumentException("tensor " + name + ": resident tensors hold floats, not " + dtype.label());
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
