package dev.ripple.placement.profile;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.model.decoder.DecoderModel;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Settings of a profiling run. Each component has a wither from {@link ProfileOptionsBuilder.With}.
 *
 * <pre>{@code
 * ProfileOptions o = ProfileOptions.defaults()
 *         .withMaxTokens(20_000)
 *         .withRule(ActivityRule.parse("|act| > 0.1,0.1,0.2"));   // per-layer thresholds, the last repeats
 * }</pre>
 *
 * @param maxTokens         stop after this many tokens (the last passage may be cut short)
 * @param maxSequenceLength passages are truncated to this many tokens, special tokens included
 * @param rule              which neurons count as active (core's {@link ActivityRule}: the same
 *                          concept placement, predictors and the runtime use); null for the
 *                          model's default, {@link ActivityRule#defaultFor} its activation
 * @param measureError      also compute the FFN output error the rule causes (one down projection
 *                          on every 4th token of each layer, in Java)
 * @param threads           ONNX Runtime intra-op threads (0: all processors)
 * @param aheadMoments      decoders: also record each layer input's joint moments with the FFN input,
 *                          which the read-ahead's predictor is fitted to, when the FFN input moments
 *                          are recorded ({@link DecoderProfiler}); four times their size in the trace
 *                          and about four times their arithmetic per token, and the factors {@code
 *                          ripple place} fits to them are resident in every session of the file. By
 *                          default as this JVM's read-ahead ({@link DecoderModel#readsAhead}, off
 *                          unless {@code -Dripple.readahead=true}): the read-ahead does not pay off
 *                          yet (PERFORMANCE.md §17(b)), so a default profile does not pay for it
 *                          either. ONNX models (encoders) have no read-ahead and ignore it
 */
@RecordBuilder
public record ProfileOptions(
        long maxTokens,
        int maxSequenceLength,
        ActivityRule rule,
        boolean measureError,
        int threads,
        boolean aheadMoments)
        implements ProfileOptionsBuilder.With {

    public ProfileOptions {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        if (maxSequenceLength < 2) {
            throw new IllegalArgumentException("maxSequenceLength must be at least 2, got " + maxSequenceLength);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must not be negative (0: all processors), got " + threads);
        }
    }

    /**
     * Tokens profiled unless set: what {@code ripple profile}, {@code demo} and {@code bench} profile by
     * default too, so that the API and the commands place from traces of one length. The API's default
     * was 100,000 while the commands' was 20,000.
     */
    public static final long DEFAULT_MAX_TOKENS = 20_000;

    /**
     * Tokens per passage unless set: a Europarl line is 30-40 tokens, so few are cut, and an encoder's
     * attention stays cheap; {@code ripple profile --max-length} changes it for longer lines.
     */
    public static final int DEFAULT_MAX_SEQUENCE_LENGTH = 128;

    /**
     * {@value #DEFAULT_MAX_TOKENS} tokens, sequences of at most {@value #DEFAULT_MAX_SEQUENCE_LENGTH} tokens, the
     * model's default rule, error measured, all
     * cores, a decoder's read-ahead moments recorded when this JVM reads ahead.
     */
    public static ProfileOptions defaults() {
        return new ProfileOptions(
                DEFAULT_MAX_TOKENS, DEFAULT_MAX_SEQUENCE_LENGTH, null, true, 0, DecoderModel.readsAhead());
    }
}
