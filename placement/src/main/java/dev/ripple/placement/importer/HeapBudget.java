package dev.ripple.placement.importer;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Importers hold a model's weights as f32 arrays (the form {@code RippleContents} takes), so a
 * large checkpoint needs a large heap. Checking the estimate first turns an OutOfMemoryError half
 * way through into a message that says how much heap to give.
 */
final class HeapBudget {
    private HeapBudget() {}

    /**
     * @param bytes estimated bytes the import will hold at once
     * @throws UnsupportedModelException when {@code bytes} exceeds the JVM's maximum heap
     */
    static void require(Path file, long bytes, String what) throws UnsupportedModelException {
        long max = Runtime.getRuntime().maxMemory();
        if (max != Long.MAX_VALUE && bytes > max) {
            throw new UnsupportedModelException(
                    file,
                    what + " needs about " + gib(bytes) + " GiB of heap but the JVM may use " + gib(max)
                            + " GiB; run with -Xmx" + (long) Math.ceil(bytes * 1.25 / (1L << 30)) + "g or more");
        }
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) (1L << 30));
    }
}
