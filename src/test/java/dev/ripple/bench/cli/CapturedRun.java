package dev.ripple.bench.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of {@link RippleCommand} in this JVM with everything it printed captured: its own
 * streams, and {@code System.out}/{@code System.err} too (a library that prints a stack trace
 * straight to {@code System.err} would bypass the command's streams), with what ended it when it
 * exited 1, and how long it took.
 *
 * @param failure what the command handed back on exit 1, or null
 * @param systemErr what reached {@code System.err} and {@code System.out} during the run
 */
record CapturedRun(
        List<String> args, int exit, String out, String err, String systemErr, Throwable failure, Duration took) {

    /**
     * Runs {@code args}, failing with the argument vector if the run takes longer than
     * {@code timeout} (the run is left behind on a daemon thread: the fuzzing JVM ends at a finding).
     */
    static synchronized CapturedRun of(List<String> args, Duration timeout) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ByteArrayOutputStream system = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        PrintStream capture = new PrintStream(system, true, StandardCharsets.UTF_8);
        long start = System.nanoTime();
        System.setOut(capture);
        System.setErr(capture);
        try {
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            Thread t = new Thread(
                    () -> {
                        try {
                            exit.complete(RippleCommand.run(
                                    new PrintWriter(out),
                                    new PrintWriter(err),
                                    failure::set,
                                    args.toArray(String[]::new)));
                        } catch (Throwable e) {
                            exit.completeExceptionally(e);
                        }
                    },
                    "ripple-cli-fuzz");
            t.setDaemon(true);
            t.start();
            int code;
            try {
                code = exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("ripple " + quoted(args) + " did not end within " + timeout
                        + " (every fuzzed input should fail fast)");
            } catch (ExecutionException e) {
                throw new AssertionError("RippleCommand.run threw on ripple " + quoted(args), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            capture.flush();
            return new CapturedRun(
                    List.copyOf(args),
                    code,
                    out.toString(),
                    err.toString(),
                    system.toString(StandardCharsets.UTF_8),
                    failure.get(),
                    took);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The arguments as a shell would take them back, each in single quotes, for a finding's message. */
    static String quoted(List<String> args) {
        StringBuilder b = new StringBuilder();
        for (String a : args) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append('\'').append(a.replace("'", "'\\''")).append('\'');
        }
        return b.toString();
    }
}
