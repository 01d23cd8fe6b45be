package dev.ripple.placement.importer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Look-ups over one graph that pattern matching needs: the node producing a tensor, the nodes
 * consuming it, and constant tensors (initializers and {@code Constant} node values).
 */
final class OnnxGraphIndex {
    private final Path file;
    private final OnnxGraph graph;
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();
    private final Map<String, OnnxTensor> constants = new HashMap<>();

    OnnxGraphIndex(Path file, OnnxGraph graph) {
        this.file = file;
        this.graph = graph;
        constants.putAll(graph.initializers());
        for (OnnxNode n : graph.nodes()) {
            for (String out : n.outputs()) {
                producers.put(out, n);
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
            if (n.opType().equals("Constant")) {
                OnnxTensor t = constantValue(n);
                if (t != null) {
                    constants.put(n.output(), t);
                }
            }
        }
    }

    /** A Constant node's value: {@code value} (a tensor) or the scalar/list forms of opset 12+. */
    private static OnnxTensor constantValue(OnnxNode n) {
        var attrs = n.attributes();
        if (attrs.containsKey("value") && attrs.get("value").t() != null) {
            return attrs.get("value").t();
        }
        if (attrs.containsKey("value_float")) {
            return OnnxTensor.ofFloats(n.output(), new long[0], new float[] {
                attrs.get("value_float").f()
            });
        }
        if (attrs.containsKey("value_int")) {
            return OnnxTensor.ofLongs(
                    n.output(), new long[0], new long[] {attrs.get("value_int").i()});
        }
        if (attrs.containsKey("value_floats")) {
            float[] v = attrs.get("value_floats").floats();
            return OnnxTensor.ofFloats(n.output(), new long[] {v.length}, v);
        }
        if (attrs.containsKey("value_ints")) {
            long[] v = attrs.get("value_ints").ints();
            return OnnxTensor.ofLongs(n.output(), new long[] {v.length}, v);
        }
        return null;
    }

    Path file() {
        return file;
    }

    OnnxGraph graph() {
        return graph;
    }

    /** The node producing {@code tensor}, or null for graph inputs, initializers and unknown names. */
    OnnxNode producer(String tensor) {
        return producers.get(tensor);
    }

    /** Nodes reading {@code tensor}, in graph order. */
    List<OnnxNode> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    /** The constant behind {@code tensor}, or null when it is computed at run time. */
    OnnxTensor constant(String tensor) {
        return constants.get(tensor);
    }

    boolean isConstant(String tensor) {
        return constants.containsKey(tensor);
    }

    /** A constant 2-D tensor of type float-like, or null. */
    OnnxTensor matrix(String tensor) {
        OnnxTensor t = constants.get(tensor);
        return t != null && t.rank() == 2 ? t : null;
    }

    /** The single value of a constant with one element, or NaN when {@code tensor} is not such a constant. */
    double scalar(String tensor) {
        OnnxTensor t = constants.get(tensor);
        if (t == null || t.elementCount() != 1) {
            return Double.NaN;
        }
        try {
            return t.toFloats(file)[0];
        } catch (ModelFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * The output of a MatMul's bias Add when the MatMul's only consumer is an Add of a constant
     * [out] vector, else the MatMul's own output: where a linear map starting at {@code matMul} ends.
     */
    String linearOutput(OnnxNode matMul) {
        List<OnnxNode> cons = consumers(matMul.output());
        OnnxTensor w = matrix(matMul.input(1));
        if (w != null && cons.size() == 1 && cons.get(0).opType().equals("Add")) {
            OnnxNode add = cons.get(0);
            String other = add.input(0).equals(matMul.output()) ? add.input(1) : add.input(0);
            OnnxTensor b = constant(other);
            if (b != null && OnnxLinear.isVector(b, w.dim(1))) {
                return add.output();
            }
        }
        return matMul.output();
    }

    /** Operator histogram, for messages that explain why nothing matched. */
    Map<String, Integer> opHistogram() {
        Map<String, Integer> h = new TreeMap<>();
        for (OnnxNode n : graph.nodes()) {
            h.merge(n.opType(), 1, Integer::sum);
        }
        return h;
    }
}
