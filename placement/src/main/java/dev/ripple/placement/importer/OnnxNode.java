package dev.ripple.placement.importer;

import java.util.List;
import java.util.Map;

/**
 * An ONNX {@code NodeProto}: one operator application. Empty input names mean an omitted
 * optional input, as in ONNX.
 */
public record OnnxNode(
        String name,
        String opType,
        String domain,
        List<String> inputs,
        List<String> outputs,
        Map<String, OnnxAttribute> attributes) {

    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    /** Input {@code i}, or {@code ""} when the node has fewer inputs. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    /** The first output (every operator the importers look at has exactly one). */
    public String output() {
        return outputs.isEmpty() ? "" : outputs.get(0);
    }

    /** Readable form for error messages: {@code MatMul 'name' (a, b) -> c}. */
    public String describe() {
        return opType + " '" + name + "' " + inputs + " -> " + outputs;
    }
}
