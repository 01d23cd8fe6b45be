package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of fio (the distribution's package, found on the {@code PATH}) doing random reads of one
 * size on an existing file with {@code O_DIRECT}, and what it reported: IOPS and CPU time per read.
 *
 * <p>Engines: {@code io_uring} (one job at {@code --iodepth=q}, fio's defaults: no fixed buffers,
 * no registered files, no polling), {@code io_uring-fixed} (the same with {@code --fixedbufs
 * --registerfiles}: registered buffers and a registered file, fio's cheapest io_uring setup
 * without polling; the io_uring reader registers its file too) and {@code psync} ({@code q} jobs of
 * one synchronous read each, {@code --group_reporting}: what the thread-pool reader does). CPU time per read is fio's
 * {@code (usr_cpu + sys_cpu) / 100 × job_runtime / total_ios} (its job threads' own rusage; the
 * runtimes of a group's jobs are summed by fio, so the formula holds for both engines).
 *
 * @param engine           fio engine
 * @param sizeBytes        read size
 * @param queueDepth       iodepth (io_uring) or jobs (psync)
 * @param iops             fio's read IOPS
 * @param cpuMicrosPerRead CPU time per read, µs
 * @param reads            fio's read total_ios (after the ramp)
 * @param command          the command line, for the report
 */
public record FioRun(
        String engine,
        int sizeBytes,
        int queueDepth,
        double iops,
        double cpuMicrosPerRead,
        long reads,
        String command) {

    /** The engines this harness knows how to drive. */
    public static final List<String> ENGINES = List.of("io_uring", "io_uring-fixed", "psync");

    /** The fio command for one point. */
    public static List<String> command(
            String engine, Path file, int sizeBytes, int queueDepth, Duration warmup, Duration time) {
        if (!ENGINES.contains(engine)) {
            throw new IllegalArgumentException("unknown fio engine '" + engine + "' (known: " + ENGINES + ")");
        }
        List<String> c = new ArrayList<>(List.of(
                executable(),
                "--name=ripple-compare",
                "--filename=" + file.toAbsolutePath(),
                "--readonly",
                "--rw=randread",
                "--bs=" + sizeBytes,
                "--direct=1",
                "--ioengine=" + (engine.equals("io_uring-fixed") ? "io_uring" : engine),
                "--time_based",
                "--runtime=" + seconds(time),
                "--ramp_time=" + seconds(warmup),
                "--norandommap",
                "--randrepeat=0",
                "--output-format=json"));
        if (engine.startsWith("io_uring")) {
            c.add("--iodepth=" + queueDepth);
            c.add("--numjobs=1");
            if (engine.equals("io_uring-fixed")) {
                c.add("--fixedbufs");
                c.add("--registerfiles");
            }
        } else {
            c.add("--iodepth=1");
            c.add("--numjobs=" + queueDepth);
            c.add("--group_reporting");
        }
        return c;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
    }

    /** The fio to run: {@code -Dripple.fio=/path/to/fio}, or {@code fio} on the PATH. */
    static String executable() {
        return System.getProperty("ripple.fio", "fio");
    }

    /**
     * Fails unless {@code fio --version} runs: checked before a comparison writes its test file (a
     * GiB by default), so that a missing fio is said at once rather than after the writing.
     *
     * @throws IOException saying how to install fio
     */
    public static void requireInstalled() throws IOException {
        try {
            Process p = new ProcessBuilder(executable(), "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("fio --version failed: install the distribution's fio package");
            }
        } catch (IOException e) {
            throw new IOException(
                    "fio could not be started (" + e.getMessage() + "): install the distribution's fio package,"
                            + " as benchmarks/scripts/fio-compare.sh does",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while checking for fio");
        }
    }

    /**
     * Runs fio for one point and parses its JSON.
     *
     * @throws IOException when fio is missing (the message says how to install it), fails, or prints
     *                     something that is not its JSON report
     */
    public static FioRun run(String engine, Path file, int sizeBytes, int queueDepth, Duration warmup, Duration time)
            throws IOException {
        List<String> command = command(engine, file, sizeBytes, queueDepth, warmup, time);
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new IOException(
                    "fio could not be started (" + e.getMessage() + "): install the distribution's fio package,"
                            + " as benchmarks/scripts/fio-compare.sh does",
                    e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> slurp(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> slurp(p.getErrorStream()));
        try {
            long limit = warmup.plus(time).toSeconds() + 60;
            if (!p.waitFor(limit, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("fio did not finish within " + limit + " s: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fio ran");
        }
        if (p.exitValue() != 0) {
            throw new IOException("fio failed (exit " + p.exitValue() + "): "
                    + err.join().strip() + "\n  " + String.join(" ", command));
        }
        return parse(engine, sizeBytes, queueDepth, out.join(), String.join(" ", command));
    }

    /** Parses fio's JSON report (the first job holds the group's figures). */
    static FioRun parse(String engine, int sizeBytes, int queueDepth, String json, String command) throws IOException {
        int start = json.indexOf('{'); // fio may print notes before its JSON
        if (start < 0) {
            throw new IOException("fio printed no JSON report: " + json.strip());
        }
        JsonNode job =
                new ObjectMapper().readTree(json.substring(start)).path("jobs").path(0);
        JsonNode read = job.path("read");
        long reads = read.path("total_ios").asLong();
        double iops = read.path("iops").asDouble();
        double runtimeSeconds = job.path("job_runtime").asDouble() / 1000.0;
        double cpuSeconds =
                (job.path("usr_cpu").asDouble() + job.path("sys_cpu").asDouble()) / 100.0 * runtimeSeconds;
        if (reads <= 0 || !(iops > 0)) {
            throw new IOException("fio's report has no reads: " + job);
        }
        return new FioRun(engine, sizeBytes, queueDepth, iops, cpuSeconds * 1e6 / reads, reads, command);
    }

    private static String slurp(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
