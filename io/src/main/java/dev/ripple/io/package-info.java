/**
 * Reading byte extents of one file, fast and honestly measured. Knows nothing of models.
 *
 * <p>{@link dev.ripple.io.Extent} is the unit; {@link dev.ripple.io.ReadPlanner} collapses needed
 * extents into fewer physical reads ({@link dev.ripple.io.ReadPlan}) using a device profile from
 * {@code dev.ripple.io.device}; readers in {@code dev.ripple.io.reader} execute them; the only
 * native calls live in {@code dev.ripple.io.nativeio}. See docs/IO.md.
 */
package dev.ripple.io;
