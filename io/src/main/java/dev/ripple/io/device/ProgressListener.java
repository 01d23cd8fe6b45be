package dev.ripple.io.device;

/**
 * Receives {@link DeviceCalibrator}'s progress, e.g. to drive a progress bar. Called from the
 * calibrating thread after each step; keep it quick.
 *
 * <pre>{@code
 * ProgressListener bar = p -> System.err.printf("\r%3.0f%% %s", 100 * p.fraction(), p.phase());
 * }</pre>
 */
@FunctionalInterface
public interface ProgressListener {

    /** Ignores progress. */
    ProgressListener NONE = progress -> {};

    void onProgress(CalibrationProgress progress);
}
