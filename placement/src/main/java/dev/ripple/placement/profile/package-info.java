/**
 * Activation profiling with ONNX Runtime: {@link dev.ripple.placement.profile.OnnxProfiler} runs
 * tokenised text through the model with every FFN activation tensor exposed as a graph output and
 * records, per token and layer, the neurons an {@link dev.ripple.core.activity.ActivityRule}
 * calls active, plus the FFN error that rule causes and per-neuron means for fill-in. ONNX Runtime
 * and the tokenizer stay in this module so apps that only run a prepared model do not carry them.
 */
package dev.ripple.placement.profile;
