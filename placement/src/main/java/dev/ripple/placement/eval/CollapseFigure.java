package dev.ripple.placement.eval;

/**
 * Reads after access collapse: runs separated by at most {@code gap} unneeded bundles are read as
 * one operation, reading the bundles in between.
 *
 * @param gap                largest gap (in bundles) read through
 * @param readsPerToken      mean read operations per token
 * @param extraBytesFraction unneeded bundles read / needed bundles (0 for gap 0)
 */
public record CollapseFigure(int gap, double readsPerToken, double extraBytesFraction) {}
