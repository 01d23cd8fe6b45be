package dev.ripple.bench.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for long CLI work, or nothing when quiet: stdout stays clean for
 * tables and JSON.
 */
final class CliProgress implements AutoCloseable {
    private final ProgressBar bar;

    private CliProgress(ProgressBar bar) {
        this.bar = bar;
    }

    static CliProgress start(String task, long max, boolean quiet) {
        if (quiet) {
            return new CliProgress(null);
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(1, max))
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        return new CliProgress(bar);
    }

    void stepTo(long done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    void maxHint(long max) {
        if (bar != null) {
            bar.maxHint(max);
        }
    }

    void message(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
