package dev.ripple.io.device;

/**
 * One step of a calibration run.
 *
 * @param step       steps completed, 1..totalSteps
 * @param totalSteps steps in the run: writing the file, the sequential measurement, one per point
 * @param phase      what was just done, human-readable
 * @param latest     the point just measured, or null for the other steps
 */
public record CalibrationProgress(int step, int totalSteps, String phase, Measurement latest) {

    /** Fraction done, 0..1. */
    public double fraction() {
        return totalSteps == 0 ? 1.0 : (double) step / totalSteps;
    }
}
