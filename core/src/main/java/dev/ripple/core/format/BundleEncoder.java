package dev.ripple.core.format;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Turns one neuron's bundle, given as f32 values in {@link FfnLayerSpec}'s element layout, into the
 * bytes stored on flash: every element in the layer's dtype, or for a quantized layer each row as
 * blocks and the biases as f32 after them. Rows the source already holds in the layer's block type
 * ({@link BundleSource#storedRow}) are copied, not requantized from their decoded values: Q4_0
 * rounding is not idempotent, so a second pass would add error. Keeps the {@link StorageError} of
 * what it stored. One per layer being written; reuses its buffer.
 *
 * <pre>{@code
 * BundleEncoder encoder = new BundleEncoder(spec);
 * weights.bundleOf(neuron, bundle, 0);
 * channel.write(encoder.encode(bundle).asByteBuffer());
 * }</pre>
 */
public final class BundleEncoder {
    private final FfnLayerSpec spec;
    private final MemorySegment buffer;
    private final float[] decoded;
    private final double[] squaredError = new double[2];
    private final double[] squaredNorm = new double[2];

    public BundleEncoder(FfnLayerSpec spec) {
        this.spec = spec;
        this.buffer = Arena.ofAuto().allocate(spec.bundleBytes(), 8);
        this.decoded = new float[spec.dModel()];
    }

    /** The stored form of {@code bundle}; valid until the next call. */
    public MemorySegment encode(float[] bundle) {
        return encode(bundle, null, -1);
    }

    /**
     * The stored form of neuron {@code neuron}'s bundle, given as f32 values, taking the rows
     * {@code source} holds in the layer's block type as they are; valid until the next call.
     */
    public MemorySegment encode(float[] bundle, BundleSource source, int neuron) {
        DType t = spec.dtype();
        int d = spec.dModel();
        if (!t.isQuantized()) {
            Quantization.encode(t, bundle, 0, bundle.length, buffer, 0);
            if (t != DType.F32) {
                measure(bundle, 0, 0, spec.downOffset(), 0);
                measure(bundle, spec.downOffset(), t.bytes(spec.downOffset()), d, 1);
            }
            return buffer;
        }
        row(bundle, 0, 0, source == null ? null : source.storedRow(neuron, false, t));
        if (spec.gated()) {
            row(
                    bundle,
                    spec.gateOffset(),
                    spec.gateOffsetBytes(),
                    source == null ? null : source.storedRow(neuron, true, t));
        }
        row(bundle, spec.downOffset(), spec.downOffsetBytes(), null);
        Quantization.encode(DType.F32, bundle, spec.upBiasOffset(), 1, buffer, spec.upBiasOffsetBytes());
        if (spec.gated()) {
            Quantization.encode(DType.F32, bundle, spec.gateBiasOffset(), 1, buffer, spec.gateBiasOffsetBytes());
        }
        return buffer;
    }

    /** Relative RMS error of everything encoded so far. */
    public StorageError error() {
        return new StorageError(relative(0), relative(1));
    }

    private double relative(int part) {
        return squaredNorm[part] == 0 ? 0 : Math.sqrt(squaredError[part] / squaredNorm[part]);
    }

    /** One row of d weights into the buffer at {@code at}: copied when {@code stored} holds it, else encoded. */
    private void row(float[] bundle, int from, int at, MemorySegment stored) {
        int d = spec.dModel();
        if (stored != null) {
            if (stored.byteSize() != spec.rowBytes()) {
                throw new IllegalArgumentException("layer " + spec.index() + ": a stored row has " + stored.byteSize()
                        + " bytes, a " + spec.dtype().label() + " row of " + d + " weights " + spec.rowBytes());
            }
            MemorySegment.copy(stored, 0, buffer, at, spec.rowBytes());
        } else {
            Quantization.encode(spec.dtype(), bundle, from, d, buffer, at);
        }
        measure(bundle, from, at, d, from == spec.downOffset() ? 1 : 0);
    }

    /** Adds the error of the n stored elements at byte {@code at} against {@code bundle[from, from + n)}. */
    private void measure(float[] bundle, int from, long at, int n, int part) {
        int d = decoded.length;
        for (int k = 0; k < n; k += d) {
            int m = Math.min(d, n - k);
            Quantization.decode(spec.dtype(), buffer, at + spec.dtype().bytes(k), decoded, 0, m);
            for (int j = 0; j < m; j++) {
                double given = bundle[from + k + j];
                double e = decoded[j] - given;
                squaredError[part] += e * e;
                squaredNorm[part] += given * given;
            }
        }
    }
}
