package dev.ripple.core.format;

/**
 * How far one layer's bundles as stored are from the f32 weights the writer was given: the
 * relative RMS error {@code ‖stored − given‖ / ‖given‖} of the up and gate rows and, apart, of the
 * down columns. For a GGUF source the given weights are the file's own dequantized ones, so this
 * is the error requantizing adds: zero for rows copied block for block, and for the down columns,
 * which GGUF stores across neurons and must be requantized per neuron, the price of one read per
 * neuron. Zero throughout for f32 bundles.
 *
 * @param upGate relative RMS error of the up (and gate) rows
 * @param down   relative RMS error of the down columns
 */
public record StorageError(double upGate, double down) {}
