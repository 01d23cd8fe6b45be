package dev.ripple.bench.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * What a report says of the machine a figure was measured on: cores, memory, OS and kernel, host
 * and the load average. One reading for every report, so that the run header of a JSON report and
 * the machine line of a printed table cannot disagree. Cheap: files under {@code /proc} and the
 * JVM's own view, never a DNS lookup (which could block a run's end).
 *
 * <pre>{@code
 * double before = MachineFacts.loadAverage();
 * ... measure ...
 * out.println("machine: " + MachineFacts.summary(before, MachineFacts.loadAverage()));
 * }</pre>
 */
public final class MachineFacts {
    private MachineFacts() {}

    /**
     * An ISO-8601 instant (a report's {@code measuredAt}) as a date and time in UTC for text headers,
     * "2026-12-07 18:09:34 UTC": a saved table says when it was measured whatever the reader's zone.
     */
    public static String utc(String isoInstant) {
        return UTC.format(Instant.parse(isoInstant));
    }

    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** The one-minute load average from {@code /proc/loadavg}, or -1 where there is none. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The kernel's host name, read from a file; else {@code $HOSTNAME}, else "unknown". */
    public static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "unknown" : env;
        }
    }

    /** The processors this JVM may use. */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The physical memory, where the JVM tells it. */
    public static OptionalLong memoryBytes() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean sun
                ? OptionalLong.of(sun.getTotalMemorySize())
                : OptionalLong.empty();
    }

    /** OS name, kernel version and architecture, e.g. "Linux 6.1.0 amd64". */
    public static String os() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os.getName() + " " + os.getVersion() + " " + os.getArch();
    }

    /** "2 processors, Linux 6.1.0 amd64, load average 0.52 at start, 1.10 at end" ("unknown" for a negative load). */
    public static String summary(double loadAtStart, double loadAtEnd) {
        return String.format(
                Locale.ROOT,
                "%d processors, %s, load average %s at start, %s at end",
                cores(),
                os(),
                load(loadAtStart),
                load(loadAtEnd));
    }

    private static String load(double load) {
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
    }
}
