package dev.ripple.placement.trace;

import dev.ripple.core.format.FfnLayerSpec;

/**
 * What a trace was recorded from, stored in the trace file header so a trace always says how it
 * was made.
 *
 * @param model  the source model (file name or identifier)
 * @param corpus the text it was run on (file name and the part used, e.g. "europarl en, lines 0-999")
 * @param rule   the activity rule, in its textual form (e.g. "act > 0")
 * @param tokens number of tokens recorded
 * @param checkpoint the checkpoint (directory or GGUF file) the profiled file was imported from, as
 *     that file's provenance records it, or empty when it was none (an ONNX model, a generated trace).
 *     It lets a placement check that a trace belongs to the checkpoint it places by the file itself,
 *     whatever the names: a checkpoint reached through a symbolic link is still the same one.
 * @param checkpointStamp what the checkpoint's files were when the trace was recorded
 *     ({@code CheckpointStamp}), or empty: a checkpoint written again in the same place since is
 *     another model, which the path alone cannot tell
 * @param ffn    the profiled model's FFN ({@link #ffnOf}: "relu", "gated silu"), or empty when not
 *     recorded (older traces, generated ones): a trace of a model of another kind with the same shape
 *     is refused by it even when the checkpoint is not compared ({@code place --trust-trace}), for its
 *     rule and FFN inputs are another activation's
 */
public record TraceInfo(
        String model, String corpus, String rule, long tokens, String checkpoint, String checkpointStamp, String ffn) {

    public TraceInfo {
        checkpoint = checkpoint == null ? "" : checkpoint;
        checkpointStamp = checkpointStamp == null ? "" : checkpointStamp;
        ffn = ffn == null ? "" : ffn;
    }

    /** A trace that does not record its model's FFN. */
    public TraceInfo(String model, String corpus, String rule, long tokens, String checkpoint, String checkpointStamp) {
        this(model, corpus, rule, tokens, checkpoint, checkpointStamp, "");
    }

    /** What {@link #ffn} records of a layer: its activation, "gated" before it for a GLU ("gated silu"). */
    public static String ffnOf(FfnLayerSpec layer) {
        return (layer.gated() ? "gated " : "") + layer.activation().label();
    }

    /** A trace of a checkpoint whose files were not stamped (older traces). */
    public TraceInfo(String model, String corpus, String rule, long tokens, String checkpoint) {
        this(model, corpus, rule, tokens, checkpoint, "");
    }

    /** A trace of no imported checkpoint. */
    public TraceInfo(String model, String corpus, String rule, long tokens) {
        this(model, corpus, rule, tokens, "", "");
    }
}
