package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One point of the sparsity–fidelity curve: a rule (with or without fill-in, read exactly or
 * through a predictor) and what it gave on held-out passages.
 *
 * @param family     the series it belongs to, e.g. {@code act > t}, {@code |act| > t}, {@code top P%}
 * @param rule       the rule's text form
 * @param fillIn     whether dropped neurons contributed their conditional calibration mean
 * @param predictor  {@code oracle} (the rule's true set is read) or the predictor's description
 * @param readShare  neurons read per token and layer, as a share of the layer (mean)
 * @param ffnError   FFN relative error, mean over tokens and layers
 * @param cosine     final-embedding cosine against ONNX Runtime's dense output, over passages
 * @param recall     predictor recall against the rule's true sets (NaN for the oracle)
 * @param precision  predictor precision (NaN for the oracle)
 * @param tokens     held-out tokens run
 */
public record TradeoffPoint(
        String family,
        String rule,
        boolean fillIn,
        String predictor,
        double readShare,
        double ffnError,
        Cosines cosine,
        double recall,
        double precision,
        long tokens) {

    public String label() {
        return rule + (fillIn ? " + fill-in" : "") + ("oracle".equals(predictor) ? "" : " [" + predictor + "]");
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("family", family);
        n.put("rule", rule);
        n.put("fillIn", fillIn);
        n.put("predictor", predictor);
        n.put("readShare", readShare);
        n.put("ffnRelativeError", ffnError);
        n.put("cosineMean", cosine.mean());
        n.put("cosineP5", cosine.p5());
        n.put("cosineMin", cosine.min());
        n.put("passages", cosine.count());
        n.put("tokens", tokens);
        if (!Double.isNaN(recall)) {
            n.put("recall", recall);
            n.put("precision", precision);
        }
        return n;
    }
}
