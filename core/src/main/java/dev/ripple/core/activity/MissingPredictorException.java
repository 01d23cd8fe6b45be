package dev.ripple.core.activity;

import java.nio.file.Path;

/**
 * A {@code .ripple} file asked to run with a predictor it does not store (a file placed without
 * one, or written before the trained predictor could be stored). An
 * {@link IllegalArgumentException}, as asking for it is the caller's choice rather than damage to
 * the file; the message names the file and the command that writes the predictor, so one line is
 * enough to act on. A stored predictor whose tensors do not fit is a
 * {@link dev.ripple.core.format.RippleFormatException} instead.
 */
public final class MissingPredictorException extends IllegalArgumentException {
    private final transient Path file;
    private final PredictorKind kind;

    public MissingPredictorException(Path file, PredictorKind kind, String howToWrite) {
        super(file + ": has no " + (kind == PredictorKind.LOWRANK ? "low-rank" : kind.label()) + " predictor; "
                + howToWrite);
        this.file = file;
        this.kind = kind;
    }

    /** The file that holds no such predictor. */
    public Path file() {
        return file;
    }

    /** The predictor that was asked for. */
    public PredictorKind kind() {
        return kind;
    }
}
