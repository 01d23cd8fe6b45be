package dev.ripple.core.format;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Turns one neuron's bundle, given as f32 values in {@link FfnLayerSpec}'s element layout, into the
 * bytes stored on flash: every element in the layer's dtype, or for a quantized layer each row as
 * blocks and the biases as f32 after them. One per layer being written; reuses its buffer.
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

    public BundleEncoder(FfnLayerSpec spec) {
        this.spec = spec;
        this.buffer = Arena.ofAuto().allocate(spec.bundleBytes(), 8);
    }

    /** The stored form of {@code bundle}; valid until the next call. */
    public MemorySegment encode(float[] bundle) {
        DType t = spec.dtype();
        int d = spec.dModel();
        if (!t.isQuantized()) {
            Quantization.encode(t, bundle, 0, bundle.length, buffer, 0);
            return buffer;
        }
        Quantization.encode(t, bundle, 0, d, buffer, 0);
        if (spec.gated()) {
            Quantization.encode(t, bundle, spec.gateOffset(), d, buffer, spec.gateOffsetBytes());
        }
        Quantization.encode(t, bundle, spec.downOffset(), d, buffer, spec.downOffsetBytes());
        Quantization.encode(DType.F32, bundle, spec.upBiasOffset(), 1, buffer, spec.upBiasOffsetBytes());
        if (spec.gated()) {
            Quantization.encode(DType.F32, bundle, spec.gateBiasOffset(), 1, buffer, spec.gateBiasOffsetBytes());
        }
        return buffer;
    }
}
