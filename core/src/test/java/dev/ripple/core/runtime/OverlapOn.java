package dev.ripple.core.runtime;

import java.util.concurrent.Callable;

/**
 * Opens models that overlap a token's reads with its hits' compute: {@code FlashFfn} reads
 * {@code -Dripple.overlap} once, when a model opens, so a test sets it around the open and puts it
 * back as it was, whatever the open does.
 */
final class OverlapOn {
    private OverlapOn() {}

    static <T> T open(Callable<T> open) throws Exception {
        String before = System.getProperty("ripple.overlap");
        System.setProperty("ripple.overlap", "true");
        try {
            return open.call();
        } finally {
            if (before == null) {
                System.clearProperty("ripple.overlap");
            } else {
                System.setProperty("ripple.overlap", before);
            }
        }
    }
}
