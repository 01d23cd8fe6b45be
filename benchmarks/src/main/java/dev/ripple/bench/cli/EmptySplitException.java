package dev.ripple.bench.cli;

/**
 * A split of the text that holds no passage: profiling it would write a trace of no tokens, which a
 * placement would then follow as if it measured something. Says the file, the split and how the
 * lines fell, so the user can pick another split or fraction.
 */
final class EmptySplitException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    EmptySplitException(String text, String split, int calibration, int heldOut) {
        super(text + ": no passages in the " + split + " split (" + calibration + " calibration, " + heldOut
                + " held out; choose another --split or --heldout-fraction, or give more lines)");
    }
}
