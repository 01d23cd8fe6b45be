/**
 * The only package that binds native functions ({@code madvise}, {@code posix_fadvise}) through the
 * FFM linker. Everything here is advisory and degrades to a logged no-op where unavailable.
 */
package dev.ripple.io.nativeio;
