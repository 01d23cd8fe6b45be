package dev.ripple.placement.pipeline;

import dev.ripple.core.tensor.DType;

/**
 * How {@link PlacementPipeline#importModel} reads a model file.
 *
 * @param bundles   the type the FFN bundles will have on flash; null: f16 for checkpoints
 *                  (safetensors, GGUF), f32 for ONNX models
 * @param residents the type a GGUF file's resident matrices are converted to when the runtime cannot
 *                  compute on their stored type (K-quants); null: Q8_0
 */
public record ImportOptions(DType bundles, DType residents) {

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

    public ImportOptions withBundles(DType type) {
        return new ImportOptions(type, residents);
    }

    public ImportOptions withResidents(DType type) {
        return new ImportOptions(bundles, type);
    }
}
