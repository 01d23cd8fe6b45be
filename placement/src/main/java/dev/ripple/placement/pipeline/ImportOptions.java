package dev.ripple.placement.pipeline;

import dev.ripple.core.tensor.DType;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * How {@link PlacementPipeline#importModel} reads a model file. Each component has a wither from
 * {@link ImportOptionsBuilder.With}.
 *
 * @param bundles   the type the FFN bundles will have on flash; null: f16 for checkpoints
 *                  (safetensors, GGUF), f32 for ONNX models
 * @param residents the type a GGUF file's resident matrices are converted to when the runtime cannot
 *                  compute on their stored type (K-quants); null: Q8_0
 */
@RecordBuilder
public record ImportOptions(DType bundles, DType residents) implements ImportOptionsBuilder.With {

    public ImportOptions {
        if (bundles != null && !bundles.holdsWeights()) {
            throw new IllegalArgumentException("bundle type " + bundles.label() + " cannot hold weights");
        }
        if (residents != null && !residents.holdsWeights()) {
            throw new IllegalArgumentException("resident type " + residents.label() + " cannot hold weights");
        }
    }

    /** The bundle type by the kind of model, residents as stored. */
    public static ImportOptions defaults() {
        return new ImportOptions(null, null);
    }
}
