package dev.ripple.core.model;

import java.lang.foreign.MemorySegment;

/**
 * Whether the mapping a model's weights are read from is still open: a decoder's or encoder's
 * weights are read in place from a mapped file, which its {@code RippleModel} (or the caller's
 * {@code RippleFile}) unmaps at close. A step after that is refused naming the file, where the first
 * read of a weight would throw the mapping's bare "Already closed".
 *
 * <p>A check of the mapping's liveness, no lock and no allocation. A close from another thread does
 * not race a step over a {@code RippleModel}, which makes the close wait ({@link FeedForward#begin});
 * a caller's own {@code RippleFile}, closed under a step over it, may still fail the step with the
 * mapping's own exception.
 *
 * @param weights any of the model's mapped weights (all share the file's one mapping)
 * @param source  the file, as the refusal names it
 */
public record MappedWeights(MemorySegment weights, String source) {

    /** @throws IllegalStateException "model FILE closed" once the mapping is closed */
    public void requireOpen() {
        if (!weights.scope().isAlive()) {
            throw new IllegalStateException("model " + source + " closed");
        }
    }
}
