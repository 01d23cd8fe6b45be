package dev.ripple.placement.importer;

import dev.ripple.core.tensor.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds transformer FFNs in an ONNX graph: {@code MatMul (+Add) → activation → MatMul (+Add)}.
 *
 * <p>Matching starts at every MatMul whose weight is a constant [dFfn, dModel] matrix (a down
 * projection candidate) and walks backwards from its input through the activation to the up (and
 * gate) projections, which must read the same tensor and have [dModel, dFfn] weights. Activations
 * recognised:
 * <ul>
 *   <li>{@code Relu}; {@code Gelu} (ONNX 20 or com.microsoft; {@code approximate="tanh"} gives
 *       GELU_TANH);</li>
 *   <li>exact GELU as PyTorch exports it, {@code x · (1 + Erf(x / √2)) · 0.5}: any tree of Mul
 *       nodes whose leaves are x, constants multiplying to 0.5 and {@code Add(Erf(Div(x, √2) or
 *       Mul(x, 1/√2)), 1)};</li>
 *   <li>SiLU as {@code Mul(x, Sigmoid(x))} (either order) or the {@code Silu}/{@code Swish} op;</li>
 *   <li>gated: {@code Mul(act(x·Wg), x·Wu)} in either order, with act any of the above.</li>
 * </ul>
 * The graph is not modified; the result lists FFNs in graph order.
 */
final class OnnxFfnMatcher {
    private static final double SQRT2 = Math.sqrt(2.0);
    private static final double TOL = 1e-3;

    private final OnnxGraphIndex g;

    OnnxFfnMatcher(OnnxGraphIndex g) {
        this.g = g;
    }

    List<OnnxFfn> match() {
        List<OnnxFfn> found = new ArrayList<>();
        for (OnnxNode n : g.graph().nodes()) {
            if (!n.opType().equals("MatMul")) {
                continue;
            }
            OnnxLinear down = OnnxLinear.producing(g, withBias(n));
            if (down == null) {
                continue;
            }
            OnnxFfn ffn = matchActivation(down.input(), down);
            if (ffn != null) {
                found.add(ffn);
            }
        }
        return found;
    }

    private String withBias(OnnxNode matMul) {
        return g.linearOutput(matMul);
    }

    private OnnxFfn matchActivation(String act, OnnxLinear down) {
        OnnxNode p = g.producer(act);
        if (p == null) {
            return null;
        }
        int dFfn = down.in();
        int dModel = down.out();
        // Gated: Mul(act(x·Wg), x·Wu), either order.
        if (p.opType().equals("Mul") && p.inputs().size() == 2) {
            for (int side = 0; side < 2; side++) {
                OnnxLinear up = OnnxLinear.producing(g, p.input(1 - side));
                if (up == null || !shapeFits(up, dModel, dFfn)) {
                    continue;
                }
                Elementwise gateAct = elementwise(p.input(side));
                if (gateAct != null
                        && shapeFits(gateAct.pre, dModel, dFfn)
                        && gateAct.pre.input().equals(up.input())) {
                    return new OnnxFfn(up, gateAct.pre, gateAct.activation, act, down);
                }
            }
        }
        Elementwise e = elementwise(act);
        if (e != null && shapeFits(e.pre, dModel, dFfn)) {
            return new OnnxFfn(e.pre, null, e.activation, act, down);
        }
        return null;
    }

    private static boolean shapeFits(OnnxLinear lin, int dModel, int dFfn) {
        return lin.in() == dModel && lin.out() == dFfn;
    }

    /** An activation applied to a linear map's output. */
    private record Elementwise(Activation activation, OnnxLinear pre) {}

    /** Matches {@code tensor = f(x·W + b)} for a single-input activation f. */
    private Elementwise elementwise(String tensor) {
        OnnxNode p = g.producer(tensor);
        if (p == null) {
            return null;
        }
        switch (p.opType()) {
            case "Relu" -> {
                return linear(Activation.RELU, p.input(0));
            }
            case "Gelu", "BiasGelu" -> {
                OnnxAttribute approx = p.attributes().get("approximate");
                boolean tanh = approx != null && "tanh".equals(approx.s());
                return fusedBias(tanh ? Activation.GELU_TANH : Activation.GELU, p);
            }
            case "FastGelu" -> {
                return fusedBias(Activation.GELU_TANH, p);
            }
            case "Silu", "Swish" -> {
                return linear(Activation.SILU, p.input(0));
            }
            case "Mul" -> {
                Elementwise silu = silu(p);
                return silu != null ? silu : erfGelu(p);
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * ONNX Runtime's optimiser fuses the up bias into the activation ({@code BiasGelu(x·W, b)},
     * {@code FastGelu(x·W, b)}); a second input is that bias.
     */
    private Elementwise fusedBias(Activation a, OnnxNode act) {
        if (act.inputs().size() == 1 || act.input(1).isEmpty()) {
            return linear(a, act.input(0));
        }
        OnnxLinear lin = OnnxLinear.producing(g, act.input(0));
        OnnxTensor bias = g.constant(act.input(1));
        if (lin == null || lin.bias() != null || bias == null || !OnnxLinear.isVector(bias, lin.out())) {
            return null;
        }
        return new Elementwise(a, new OnnxLinear(lin.input(), lin.weight(), bias, act.input(0)));
    }

    private Elementwise linear(Activation a, String preActivation) {
        OnnxLinear lin = OnnxLinear.producing(g, preActivation);
        return lin == null ? null : new Elementwise(a, lin);
    }

    /** {@code Mul(x, Sigmoid(x))} in either order. */
    private Elementwise silu(OnnxNode mul) {
        for (int side = 0; side < 2; side++) {
            OnnxNode s = g.producer(mul.input(side));
            if (s != null && s.opType().equals("Sigmoid") && s.input(0).equals(mul.input(1 - side))) {
                return linear(Activation.SILU, mul.input(1 - side));
            }
        }
        return null;
    }

    /** {@code x · (1 + Erf(x/√2)) · 0.5} as any tree of Mul nodes. */
    private Elementwise erfGelu(OnnxNode mul) {
        List<String> leaves = new ArrayList<>();
        flattenMul(mul, leaves, 0);
        double constants = 1.0;
        String x = null;
        String erfBranch = null;
        for (String leaf : leaves) {
            double c = g.scalar(leaf);
            OnnxNode p = g.producer(leaf);
            if (!Double.isNaN(c)) {
                constants *= c;
            } else if (p != null && p.opType().equals("Add") && erfInput(p) != null && erfBranch == null) {
                erfBranch = leaf;
            } else if (x == null) {
                x = leaf;
            } else {
                return null;
            }
        }
        if (x == null || erfBranch == null || Math.abs(constants - 0.5) > TOL) {
            return null;
        }
        return x.equals(erfInput(g.producer(erfBranch))) ? linear(Activation.GELU, x) : null;
    }

    private void flattenMul(OnnxNode mul, List<String> leaves, int depth) {
        for (String in : mul.inputs()) {
            OnnxNode p = g.producer(in);
            if (depth < 3
                    && p != null
                    && p.opType().equals("Mul")
                    && g.consumers(in).size() == 1
                    && !isErfScaling(p)) {
                flattenMul(p, leaves, depth + 1);
            } else {
                leaves.add(in);
            }
        }
    }

    /** A Mul(x, 1/√2) feeding Erf is part of the Erf branch, not of the outer product. */
    private boolean isErfScaling(OnnxNode mul) {
        return g.consumers(mul.output()).stream().anyMatch(c -> c.opType().equals("Erf"));
    }

    /** For {@code Add(Erf(x/√2), 1)} returns x, else null. */
    private String erfInput(OnnxNode add) {
        if (add.inputs().size() != 2) {
            return null;
        }
        for (int side = 0; side < 2; side++) {
            if (Math.abs(g.scalar(add.input(1 - side)) - 1.0) > TOL) {
                continue;
            }
            OnnxNode erf = g.producer(add.input(side));
            if (erf == null || !erf.opType().equals("Erf")) {
                continue;
            }
            OnnxNode scale = g.producer(erf.input(0));
            if (scale == null) {
                continue;
            }
            if (scale.opType().equals("Div") && Math.abs(g.scalar(scale.input(1)) - SQRT2) < TOL) {
                return scale.input(0);
            }
            if (scale.opType().equals("Mul")) {
                for (int s = 0; s < 2; s++) {
                    if (Math.abs(g.scalar(scale.input(s)) - 1 / SQRT2) < TOL) {
                        return scale.input(1 - s);
                    }
                }
            }
        }
        return null;
    }

    /** Operators of quantized ONNX graphs (onnxruntime's quantization tools, Optimum's {@code --quantize}). */
    private static final Set<String> QUANTIZED_OPS = Set.of(
            "MatMulInteger",
            "QLinearMatMul",
            "MatMulNBits",
            "DynamicQuantizeLinear",
            "QuantizeLinear",
            "DequantizeLinear",
            "QAttention",
            "DynamicQuantizeMatMul");

    /**
     * The cause when the graph is a quantized one (Hugging Face repositories often ship a {@code
     * model_quantized.onnx} beside {@code model.onnx}): its projections are integer MatMuls, which
     * the FFN pattern does not match, and the fix is another file, not another option. Empty for a
     * float graph.
     */
    private String quantizedGraphNote() {
        Map<String, Integer> quantized = new TreeMap<>(g.opHistogram());
        quantized.keySet().retainAll(QUANTIZED_OPS);
        if (quantized.isEmpty()) {
            return "";
        }
        return "a quantized ONNX graph (" + quantized + "): the importer reads float graphs (MatMul with f32 or"
                + " f16 weights); export the float model (e.g. 'optimum-cli export onnx' without quantizing) and"
                + " quantize its bundles in the .ripple file instead (--dtype q8_0 or q4_0). ";
    }

    /**
     * Explains a graph without recognisable FFNs: operator histogram and the MatMul chains with
     * constant weights (input → weight shape → consumers).
     */
    String describeFailure() {
        StringBuilder sb = new StringBuilder(quantizedGraphNote())
                .append("no transformer FFN (MatMul [+Add] -> Relu/Gelu/Erf-GELU/SiLU/gated"
                        + " -> MatMul [+Add]) found. Operators: ")
                .append(g.opHistogram())
                .append(". MatMuls with constant weights:");
        int shown = 0;
        Set<String> seen = new HashSet<>();
        for (OnnxNode n : g.graph().nodes()) {
            if (!n.opType().equals("MatMul") || g.matrix(n.input(1)) == null) {
                continue;
            }
            if (shown++ == 12) {
                sb.append(" ...");
                break;
            }
            OnnxNode in = g.producer(n.input(0));
            List<String> next = new ArrayList<>();
            for (OnnxNode c : g.consumers(withBias(n))) {
                if (seen.add(c.opType() + c.name())) {
                    next.add(c.opType());
                }
            }
            sb.append(' ')
                    .append(in == null ? n.input(0) : in.opType())
                    .append(" -> MatMul")
                    .append(Arrays.toString(g.matrix(n.input(1)).dims()))
                    .append(" -> ")
                    .append(next)
                    .append(';');
        }
        if (shown == 0) {
            sb.append(" none");
        }
        return sb.toString();
    }
}
