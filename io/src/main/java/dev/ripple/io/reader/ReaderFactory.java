package dev.ripple.io.reader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens an {@link ExtentReader} on a file at a queue depth. Each {@link ReaderKind} is one; the
 * runtime and an emulated device take one, so tests and tools can wrap or replace the reader they
 * would otherwise open.
 *
 * <pre>{@code
 * ReaderFactory phone = (path, queueDepth) -> EmulatedReader.wrap(ReaderKind.DIRECT.open(path, queueDepth), ufs40);
 * }</pre>
 */
@FunctionalInterface
public interface ReaderFactory {
    ExtentReader open(Path path, int queueDepth) throws IOException;
}
