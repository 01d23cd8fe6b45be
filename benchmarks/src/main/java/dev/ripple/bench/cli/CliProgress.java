package dev.ripple.bench.cli;

import dev.ripple.bench.harness.Progress;
import dev.ripple.bench.harness.ProgressSteps;
import java.io.Console;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for long CLI work when stderr's user is at a terminal; in a log (no
 * terminal), one line when the step starts and one when it ends; nothing when quiet. Stdout stays
 * clean for tables, text and JSON.
 *
 * <p>A step ends the same way whether it finished or threw (try-with-resources closes it either
 * way), so its end line in a log says how long it ran, not that it succeeded: a failed step's
 * error follows it on the next line.
 */
final class CliProgress implements AutoCloseable {
    private final ProgressBar bar;
    private final String logTask;
    private final long started = System.nanoTime();

    private CliProgress(ProgressBar bar, String logTask) {
        this.bar = bar;
        this.logTask = logTask;
    }

    /** @param max steps of the task, or -1 when not known */
    static CliProgress start(String task, long max, boolean quiet) {
        if (quiet) {
            return new CliProgress(null, null);
        }
        if (!onTerminal()) {
            System.err.println("ripple: " + task + " ...");
            return new CliProgress(null, task);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max < 0 ? -1 : Math.max(1, max))
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .continuousUpdate()
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
        return new CliProgress(bar, null);
    }

    /** The harness's progress drawn as these bars. */
    static Progress harness(boolean quiet) {
        return (task, steps) -> {
            CliProgress bar = start(task, steps, quiet);
            return new Progress.Step() {
                @Override
                public void stepTo(long done) {
                    bar.stepTo(done);
                }

                @Override
                public void message(String text) {
                    bar.message(text);
                }

                @Override
                public void close() {
                    bar.close();
                }
            };
        };
    }

    /** The placement pipeline's steps as these bars. */
    static ProgressSteps steps(boolean quiet) {
        return new ProgressSteps(harness(quiet));
    }

    /** True when the JVM talks to a terminal (not a log file or a pipe). */
    static boolean onTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
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
        if (logTask != null) {
            System.err.printf(
                    Locale.ROOT, "ripple: %s ended after %.1f s%n", logTask, (System.nanoTime() - started) / 1e9);
        }
    }
}
