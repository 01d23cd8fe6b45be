package dev.ripple.placement.importer;

import dev.ripple.core.tensor.Activation;

/**
 * One transformer FFN found in an ONNX graph.
 *
 * @param up               the up projection (x·Wu + bu)
 * @param gate             the gate projection for gated FFNs, else null
 * @param activation       the element-wise activation (applied to the gate when gated)
 * @param activationOutput graph name of the tensor holding the neurons' activations (the down
 *                         projection's input): what the profiler adds as a graph output
 * @param down             the down projection (act·Wd + bd)
 */
record OnnxFfn(OnnxLinear up, OnnxLinear gate, Activation activation, String activationOutput, OnnxLinear down) {

    boolean gated() {
        return gate != null;
    }
}
