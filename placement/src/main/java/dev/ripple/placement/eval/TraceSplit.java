package dev.ripple.placement.eval;

import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceInfo;

/**
 * A calibration / held-out split of a trace by token position: the first part calibrates, the
 * rest evaluates, so no token is in both (a placement scored on its own calibration tokens
 * flatters itself). Sets are shared, not copied.
 *
 * @param calibration tokens {@code [0, cut)} of every layer
 * @param heldOut     tokens {@code [cut, tokens)} of every layer
 */
public record TraceSplit(ActivationTrace calibration, ActivationTrace heldOut) {

    /** Splits at {@code fraction} of each layer's tokens (0 < fraction < 1). */
    public static TraceSplit of(ActivationTrace trace, double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("calibration fraction must be in (0, 1), got " + fraction);
        }
        int[] neurons = new int[trace.layers()];
        for (int l = 0; l < neurons.length; l++) {
            neurons[l] = trace.neurons(l);
        }
        int tokens = trace.layers() == 0 ? 0 : trace.tokens(0);
        int cut = (int) Math.round(tokens * fraction);
        TraceInfo info = trace.info();
        ActivationTrace.Builder cal =
                ActivationTrace.builder(part(info, "calibration tokens 0.." + (cut - 1), cut), neurons);
        ActivationTrace.Builder held = ActivationTrace.builder(
                part(info, "held-out tokens " + cut + ".." + (tokens - 1), tokens - cut), neurons);
        for (int l = 0; l < neurons.length; l++) {
            int layerCut = (int) Math.round(trace.tokens(l) * fraction);
            for (int t = 0; t < trace.tokens(l); t++) {
                (t < layerCut ? cal : held).add(l, trace, t);
            }
        }
        return new TraceSplit(cal.build(), held.build());
    }

    private static TraceInfo part(TraceInfo info, String what, long tokens) {
        return new TraceInfo(
                info.model(),
                info.corpus() + ", " + what,
                info.rule(),
                tokens,
                info.checkpoint(),
                info.checkpointStamp(),
                info.ffn());
    }
}
