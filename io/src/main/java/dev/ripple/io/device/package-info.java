/**
 * Device profiles: what a read of n bytes at queue depth q costs on a given storage device,
 * measured ({@link dev.ripple.io.device.DeviceCalibrator}) or taken from public figures
 * ({@link dev.ripple.io.device.UfsPresets}), stored as JSON, and used by the read planner.
 */
package dev.ripple.io.device;
