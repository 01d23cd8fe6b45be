package dev.ripple.placement.importer;

import java.util.List;
import java.util.Map;

/**
 * An ONNX {@code GraphProto}: nodes in the file's (topological) order, initializers by name, and
 * the names of graph inputs and outputs (initializers listed as inputs by old exporters are
 * removed from {@link #inputs()}).
 */
public record OnnxGraph(
        String name,
        List<OnnxNode> nodes,
        Map<String, OnnxTensor> initializers,
        List<String> inputs,
        List<String> outputs) {
    public OnnxGraph {
        nodes = List.copyOf(nodes);
        initializers = Map.copyOf(initializers);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
