package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.time.Instant;

/**
 * What a JSON report says of the run that made it: the command, when it started and was written,
 * the machine (host, cores, memory, OS and kernel, JDK, ripple's version) and the load average at
 * both ends. A figure in a report is worth only as much as what is known of how it was measured:
 * on a shared machine the load decides whether times compare at all (docs/PERFORMANCE.md labels
 * such runs LOADED), and a file passed around must say where it came from without its shell history.
 *
 * @param command   the command line as given ({@code ripple bench --json b.json ...})
 * @param startedAt when the command line was read
 * @param loadAtStart the one-minute load average then, or a negative number where the OS gives none
 */
record RunInfo(String command, Instant startedAt, double loadAtStart) {

    /** This run as the JSON object {@code "run"}, its end taken now. */
    ObjectNode toJson() {
        OperatingSystemMXBean os = os();
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("command", command);
        n.put("startedAt", startedAt.toString());
        n.put("writtenAt", Instant.now().toString());
        n.put("host", hostName());
        n.put("cores", Runtime.getRuntime().availableProcessors());
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            n.put("memoryBytes", sun.getTotalMemorySize());
        }
        n.put("os", os.getName() + " " + os.getVersion() + " " + os.getArch());
        n.put("java", Runtime.version().toString());
        n.put("ripple", new RippleCommand.Version().getVersion()[0]);
        putLoad(n, "loadAverageAtStart", loadAtStart);
        putLoad(n, "loadAverageAtEnd", os.getSystemLoadAverage());
        return n;
    }

    private static void putLoad(ObjectNode n, String name, double load) {
        if (load >= 0) {
            n.put(name, load);
        } else {
            n.putNull(name);
        }
    }

    private static OperatingSystemMXBean os() {
        return ManagementFactory.getOperatingSystemMXBean();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
