package dev.ripple.bench.cli;

import dev.ripple.placement.pipeline.PipelineListener;

/**
 * The placement pipeline's progress as {@link CliProgress} bars: a bar per step, opened when the
 * step is first reported and closed when it reaches its total or the next step begins.
 *
 * <pre>{@code
 * try (CliSteps steps = new CliSteps(quiet)) {
 *     PlacementPipeline.place(calibration, heldOut, algorithms, steps);
 * }
 * }</pre>
 */
final class CliSteps implements PipelineListener, AutoCloseable {
    private final boolean quiet;
    private String step;
    private CliProgress bar;

    CliSteps(boolean quiet) {
        this.quiet = quiet;
    }

    @Override
    public void progress(String name, long done, long total) {
        if (!name.equals(step)) {
            close();
            step = name;
            bar = CliProgress.start(name, total, quiet);
        }
        bar.stepTo(done);
        if (total >= 0 && done >= total) {
            close();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        step = null;
    }
}
