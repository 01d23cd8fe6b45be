package dev.ripple.bench.harness;

import dev.ripple.placement.pipeline.PipelineListener;

/**
 * The placement pipeline's progress as harness {@link Progress} phases: a phase per step, started
 * when the step is first reported and ended when it reaches its total or the next step begins.
 *
 * <pre>{@code
 * try (ProgressSteps steps = new ProgressSteps(progress)) {
 *     PlacementPipeline.place(calibration, heldOut, algorithms, steps);
 * }
 * }</pre>
 */
public final class ProgressSteps implements PipelineListener, AutoCloseable {
    private final Progress progress;
    private String step;
    private Progress.Step phase;

    public ProgressSteps(Progress progress) {
        this.progress = progress;
    }

    @Override
    public void progress(String name, long done, long total) {
        if (!name.equals(step)) {
            close();
            step = name;
            phase = progress.start(name, total);
        }
        phase.stepTo(done);
        if (total >= 0 && done >= total) {
            close();
        }
    }

    @Override
    public void close() {
        if (phase != null) {
            phase.close();
            phase = null;
        }
        step = null;
    }
}
