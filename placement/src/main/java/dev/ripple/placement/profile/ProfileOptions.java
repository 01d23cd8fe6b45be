package dev.ripple.placement.profile;

import java.util.Map;
import java.util.TreeMap;

/**
 * Settings of a profiling run.
 *
 * <pre>{@code
 * ProfileOptions o = ProfileOptions.defaults()
 *         .withMaxTokens(20_000)
 *         .withRule(ActivityRule.parse("act > 0"))
 *         .withLayerRule(5, ActivityRule.parse("|act| > 0.1"));   // rule text: "act > 0; layer 5: |act| > 0.1"
 * }</pre>
 *
 * @param maxTokens         stop after this many tokens (the last passage may be cut short)
 * @param maxSequenceLength passages are truncated to this many tokens, special tokens included
 * @param rule              which neurons count as active (every layer without an override)
 * @param layerRules        per-layer overrides of {@code rule}, by layer index
 * @param measureError      also compute the FFN output error the rule causes (one down projection
 *                          per token and layer, in Java)
 * @param threads           ONNX Runtime intra-op threads (0: all processors)
 */
public record ProfileOptions(long maxTokens, int maxSequenceLength, ActivityRule rule,
                             Map<Integer, ActivityRule> layerRules, boolean measureError, int threads) {

    public ProfileOptions {
        if (maxTokens <= 0 || maxSequenceLength < 2 || rule == null || threads < 0) {
            throw new IllegalArgumentException("need maxTokens > 0, maxSequenceLength >= 2, a rule and threads >= 0; got "
                    + maxTokens + ", " + maxSequenceLength + ", " + rule + ", " + threads);
        }
        layerRules = java.util.Collections.unmodifiableMap(new TreeMap<>(layerRules));
    }

    /** 100,000 tokens, sequences of at most 128 tokens, {@code act > 0}, error measured, all cores. */
    public static ProfileOptions defaults() {
        return new ProfileOptions(100_000, 128, ActivityRule.POSITIVE, Map.of(), true, 0);
    }

    /** The rule applied to {@code layer}. */
    public ActivityRule ruleFor(int layer) {
        return layerRules.getOrDefault(layer, rule);
    }

    /** Textual form stored in traces: {@code act > 0}, or {@code act > 0; layer 5: |act| > 0.1}. */
    public String describeRules() {
        StringBuilder sb = new StringBuilder(rule.toString());
        layerRules.forEach((l, r) -> sb.append("; layer ").append(l).append(": ").append(r));
        return sb.toString();
    }

    public ProfileOptions withMaxTokens(long n) {
        return new ProfileOptions(n, maxSequenceLength, rule, layerRules, measureError, threads);
    }

    public ProfileOptions withMaxSequenceLength(int n) {
        return new ProfileOptions(maxTokens, n, rule, layerRules, measureError, threads);
    }

    /** Sets the rule of every layer without an override. */
    public ProfileOptions withRule(ActivityRule r) {
        return new ProfileOptions(maxTokens, maxSequenceLength, r, layerRules, measureError, threads);
    }

    /** Overrides the rule of one layer. */
    public ProfileOptions withLayerRule(int layer, ActivityRule r) {
        if (layer < 0 || r == null) {
            throw new IllegalArgumentException("layer rule needs a layer >= 0 and a rule, got " + layer + ", " + r);
        }
        Map<Integer, ActivityRule> m = new TreeMap<>(layerRules);
        m.put(layer, r);
        return new ProfileOptions(maxTokens, maxSequenceLength, rule, m, measureError, threads);
    }

    public ProfileOptions withMeasureError(boolean b) {
        return new ProfileOptions(maxTokens, maxSequenceLength, rule, layerRules, b, threads);
    }

    public ProfileOptions withThreads(int n) {
        return new ProfileOptions(maxTokens, maxSequenceLength, rule, layerRules, measureError, n);
    }
}
