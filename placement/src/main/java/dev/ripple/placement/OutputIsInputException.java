package dev.ripple.placement;

import java.nio.file.Path;

/**
 * A file to write that is one of the files the same call reads: writing it would destroy the input
 * (a checkpoint's weights replaced by the {@code .ripple} file made from them, a trace by the trace
 * profiled into it). Refused before any work, naming both paths as given.
 */
public final class OutputIsInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient Path output;
    private final transient Path input;

    OutputIsInputException(String outputName, Path output, InputFiles.Input input) {
        super(outputName + " " + output + " is the input " + input.file() + " (" + input.what()
                + "); writing it would destroy the input: give another " + outputName);
        this.output = output;
        this.input = input.file();
    }

    /** The file that was to be written. */
    public Path output() {
        return output;
    }

    /** The input it is. */
    public Path input() {
        return input;
    }
}
