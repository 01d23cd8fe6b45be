package dev.ripple.core.format;

import dev.ripple.core.tensor.DType;
import java.lang.foreign.MemorySegment;

/**
 * One FFN layer's weights as the writer needs them: neuron by neuron, in the layout of a bundle.
 * Two kinds exist: weights held in DRAM ({@code FfnLayerWeights}, what the ONNX importer and tests
 * build) and weights gathered from a mapped checkpoint as they are written (the safetensors
 * importer), so that a model larger than the heap streams into its {@code .ripple} file.
 */
public interface BundleSource {

    FfnLayerSpec spec();

    /**
     * Writes neuron {@code neuron}'s bundle as f32 values into {@code dst[at, at + spec().bundleElements())},
     * laid out as {@link FfnLayerSpec} describes. Called once per neuron, in placement order.
     */
    void bundleOf(int neuron, float[] dst, int at);

    /**
     * Neuron {@code neuron}'s up row (its gate row with {@code gate}) exactly as the source
     * stores it, when that is {@code type}: a GGUF file's Q4_0 rows, which the writer copies block
     * for block rather than requantizing the values it decoded. Null when the source holds the
     * row in another type (the default).
     */
    default MemorySegment storedRow(int neuron, boolean gate, DType type) {
        return null;
    }

    /** The down projection's bias, {@code dModel} values (zeros when the model has none). */
    float[] downBias();

    /**
     * Called once every bundle of the layer has been written: a source that gathered the layer
     * into working memory (a transposed down projection) frees it here.
     */
    default void release() {}
}
