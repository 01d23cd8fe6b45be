package dev.ripple.placement.pipeline;

import dev.ripple.placement.CheckpointStamp;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.trace.ActivationTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a trace was recorded on the checkpoint being placed. Two decoders of one shape (the same
 * layers, FFN width and hidden size, which {@link PlacementPipeline#requireMatches} checks) can still
 * be different models; the trace then names another one.
 *
 * <p>A trace of an import records the checkpoint itself ({@link
 * dev.ripple.placement.trace.TraceInfo#checkpoint}); when both it and the checkpoint being placed are
 * on this machine, they are compared as files, so a checkpoint reached through a symbolic link passes
 * and another checkpoint of the same name does not. A copy is refused too: telling it from another
 * checkpoint would mean reading both. Otherwise (a
 * trace made elsewhere, or before traces recorded it) the recorded file name is compared: when it was
 * the import of a checkpoint ({@code <checkpoint>-<dtype>-identity.ripple}, made by {@link
 * PreparedModel#of}) the name is the checkpoint's own. Other recorded names (a renamed or placed
 * .ripple file, an ONNX model) say nothing certain and are not compared.
 *
 * <p>A trace of the same checkpoint must also be of the weights placed: its stamp ({@link
 * dev.ripple.placement.trace.TraceInfo#checkpointStamp}) is compared with the stamp of the import
 * being placed ({@link #sameWeights}), taken before the import read the weights: the checkpoint's
 * content is sampled once per placement, not again per trace, and a trace is judged against the
 * weights imported for writing, not against what the checkpoint holds by the time it is checked.
 */
final class TraceSource {
    /** The way round for a copy of the checkpoint, which the files cannot tell from another one. */
    private static final String COPY =
            ", or, if it is a copy of that checkpoint, accept the trace (place --trust-trace; TraceMatch.SAME_SHAPE)";

    private static final Pattern IMPORT = Pattern.compile("(.+)-[a-z0-9_]+-identity\\.ripple");

    private TraceSource() {}

    /**
     * @param imported the stamp of the weights being placed, taken before their import read them
     *     ({@link dev.ripple.placement.importer.ImportedModel#checkpointStamp}); empty when it could not
     *     be taken
     * @throws IllegalArgumentException naming both files when the trace was recorded on the import of a
     *     checkpoint other than {@code model}, or on other weights of it than those imported
     */
    static void requireRecordedOn(Path model, String imported, ActivationTrace trace, String what) {
        Optional<Boolean> same = sameCheckpoint(model, trace.info().checkpoint());
        if (same.isPresent()) {
            if (!same.get()) {
                throw new IllegalArgumentException(
                        what + " was recorded on the checkpoint " + trace.info().checkpoint() + ", not on " + model
                                + ": profile " + model + " for a trace of it" + COPY);
            }
            String recorded = trace.info().checkpointStamp();
            // what cannot be told (no stamp on either side, an unreadable checkpoint) is taken on the path alone
            if (!sameWeights(recorded, imported, PreparedModel.checkpointSource(model))
                    .orElse(true)) {
                throw new IllegalArgumentException(what + " was recorded on " + model
                        + " before its files were written again (their sizes or "
                        + (CheckpointStamp.hashesContent(recorded) ? "contents" : "modification times")
                        + " differ): profile "
                        + model + " again for a trace of the weights there now, or, if they are unchanged, accept the"
                        + " trace (place --trust-trace; TraceMatch.SAME_SHAPE)");
            }
            return;
        }
        Optional<String> recorded = importedCheckpoint(trace.info().model());
        Optional<String> placing = checkpointName(model);
        if (recorded.isPresent() && placing.isPresent() && !recorded.get().equals(placing.get())) {
            throw new IllegalArgumentException(what + " was recorded on the checkpoint '" + recorded.get() + "' ("
                    + trace.info().model() + "), not on " + model + ": profile " + model + " for a trace of it" + COPY);
        }
    }

    /**
     * Whether a trace stamped {@code recorded} profiled the weights that an import stamped {@code
     * imported} read from {@code checkpoint}; empty when that cannot be told (no stamp recorded, a
     * content stamp beside an import without one, or an old stamp's checkpoint that cannot be read;
     * an old stamp is judged by the checkpoint whatever the import's). Stamps that hash content are compared with each
     * other, and no file is read: the trace must be of the weights that get written, whatever the
     * checkpoint holds by now. A stamp from before content was hashed (2026-12-07) says nothing about
     * content, so it cannot be compared with the import's; it is judged by its own rule, the
     * checkpoint's sizes and modification times as they are now ({@link CheckpointStamp#unchangedSince}),
     * as it was then.
     */
    static Optional<Boolean> sameWeights(String recorded, String imported, Path checkpoint) {
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        if (!CheckpointStamp.hashesContent(recorded)) {
            return CheckpointStamp.unchangedSince(recorded, checkpoint);
        }
        return imported.isEmpty() ? Optional.empty() : Optional.of(recorded.equals(imported));
    }

    /**
     * Whether {@code model} is the checkpoint the trace recorded, judged by the files; empty when that
     * cannot be told here (nothing recorded, either side is no checkpoint or is not on this machine).
     */
    static Optional<Boolean> sameCheckpoint(Path model, String recorded) {
        if (recorded.isEmpty() || !Files.exists(model) || !PreparedModel.isCheckpoint(model)) {
            return Optional.empty();
        }
        try {
            Path checkpoint = Path.of(recorded);
            return Files.exists(checkpoint)
                    ? Optional.of(Files.isSameFile(checkpoint, PreparedModel.checkpointSource(model)))
                    : Optional.empty();
        } catch (InvalidPathException | IOException e) {
            return Optional.empty();
        }
    }

    /** The checkpoint a recorded model name is the import of, or empty when it names no import. */
    static Optional<String> importedCheckpoint(String recorded) {
        if (recorded == null) {
            return Optional.empty();
        }
        String name = Path.of(recorded).getFileName() == null
                ? recorded
                : Path.of(recorded).getFileName().toString();
        Matcher m = IMPORT.matcher(name);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The name {@link PreparedModel#of} gives an import of {@code model}, or empty when it is no checkpoint. */
    static Optional<String> checkpointName(Path model) {
        if (!Files.exists(model) || !PreparedModel.isCheckpoint(model)) {
            return Optional.empty();
        }
        return Optional.of(PreparedModel.importStem(model));
    }
}
