package dev.ripple.placement.importer;

import java.util.HashMap;
import java.util.Map;

/**
 * A matched layer normalisation: the {@code LayerNormalization} operator, or the form exporters
 * before opset 17 emit, {@code (a - mean(a)) / sqrt(mean((a - mean(a))^2) + eps) · γ + β}.
 *
 * @param input  the normalised tensor a
 * @param gamma  scale [d]
 * @param beta   shift [d]
 * @param eps    the epsilon added to the variance
 * @param output the result tensor
 */
record OnnxLayerNorm(String input, OnnxTensor gamma, OnnxTensor beta, double eps, String output) {

    /** Every layer norm in the graph, keyed by output tensor. */
    static Map<String, OnnxLayerNorm> all(OnnxGraphIndex g) {
        Map<String, OnnxLayerNorm> byOutput = new HashMap<>();
        for (OnnxNode n : g.graph().nodes()) {
            OnnxLayerNorm ln = ending(g, n);
            if (ln != null) {
                byOutput.put(ln.output(), ln);
            }
        }
        return byOutput;
    }

    private static OnnxLayerNorm ending(OnnxGraphIndex g, OnnxNode n) {
        if (n.opType().equals("LayerNormalization")) {
            OnnxTensor gamma = g.constant(n.input(1));
            OnnxTensor beta = g.constant(n.input(2));
            OnnxAttribute eps = n.attributes().get("epsilon");
            if (gamma == null || beta == null) {
                return null;
            }
            return new OnnxLayerNorm(n.input(0), gamma, beta, eps == null ? 1e-5 : eps.f(), n.output());
        }
        if (!n.opType().equals("Add")) {
            return null;
        }
        for (int side = 0; side < 2; side++) {
            OnnxTensor beta = g.constant(n.input(1 - side));
            OnnxNode mul = g.producer(n.input(side));
            if (beta == null || mul == null || !mul.opType().equals("Mul")) {
                continue;
            }
            for (int s = 0; s < 2; s++) {
                OnnxTensor gamma = g.constant(mul.input(1 - s));
                OnnxNode div = g.producer(mul.input(s));
                if (gamma == null || div == null || !div.opType().equals("Div")) {
                    continue;
                }
                OnnxNode sub = g.producer(div.input(0));
                OnnxNode sqrt = g.producer(div.input(1));
                if (sub == null
                        || sqrt == null
                        || !sub.opType().equals("Sub")
                        || !sqrt.opType().equals("Sqrt")) {
                    continue;
                }
                OnnxNode mean = g.producer(sub.input(1));
                OnnxNode addEps = g.producer(sqrt.input(0));
                if (mean == null
                        || !mean.opType().equals("ReduceMean")
                        || !mean.input(0).equals(sub.input(0))
                        || addEps == null
                        || !addEps.opType().equals("Add")) {
                    continue;
                }
                double eps = g.scalar(addEps.input(1));
                if (Double.isNaN(eps)) {
                    eps = g.scalar(addEps.input(0));
                }
                if (Double.isNaN(eps)) {
                    continue;
                }
                return new OnnxLayerNorm(sub.input(0), gamma, beta, eps, n.output());
            }
        }
        return null;
    }
}
