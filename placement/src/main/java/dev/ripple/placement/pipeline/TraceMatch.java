package dev.ripple.placement.pipeline;

/**
 * How {@link PlacementPipeline#placeModel} decides that a trace belongs to the model it places.
 * A trace of another model of the same shape places without error and gives a file whose placement
 * and predictor follow the other model's activity, so the strict match is the default; the loose one
 * is for a trace of a copy of the checkpoint, which the files cannot tell from another checkpoint.
 *
 * <pre>{@code
 * PlacementRequest r = PlacementRequest.of(Path.of("/nvme/opt"), traceProfiledOnDataOpt, out)
 *         .withTraceMatch(TraceMatch.SAME_SHAPE); // /nvme/opt is a copy of /data/opt
 * }</pre>
 */
public enum TraceMatch {
    /**
     * The shape (layers, FFN width, hidden size) and the checkpoint the trace recorded: compared as
     * files when both are on this machine, else by the recorded import's name ({@code TraceSource}).
     */
    SAME_CHECKPOINT,
    /** The shape alone. */
    SAME_SHAPE
}
