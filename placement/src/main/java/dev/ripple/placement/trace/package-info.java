/**
 * Activation traces: which FFN neurons fired per token and layer
 * ({@link dev.ripple.placement.trace.ActivationTrace}), and their checksummed file format
 * ({@link dev.ripple.placement.trace.TraceFiles}, docs/IMPORT.md section 5).
 */
package dev.ripple.placement.trace;
