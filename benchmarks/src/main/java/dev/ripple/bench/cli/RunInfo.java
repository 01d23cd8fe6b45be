package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.bench.harness.MachineFacts;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a JSON report says of the run that made it: the command, when it started and was written,
 * the machine (host, cores, memory, OS and kernel, JDK, ripple's version) and the load average at
 * both ends. A figure in a report is worth only as much as what is known of how it was measured:
 * on a shared machine the load decides whether times compare at all (docs/PERFORMANCE.md labels
 * such runs LOADED), and a file passed around must say where it came from without its shell history.
 *
 * <p>Cheap to start: the start is a clock reading and {@code /proc/loadavg}; the machine is read
 * ({@link MachineFacts}) only when a report is written, since every command makes one of these.
 *
 * @param command     the command line, quoted for a POSIX shell where an argument needs it
 * @param startedAt   when the command line was read
 * @param loadAtStart the one-minute load average then, or a negative number where it is not known
 */
record RunInfo(String command, Instant startedAt, double loadAtStart) {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    /** {@code ripple} and its arguments as a shell would read them back. */
    static String commandLine(List<String> args) {
        return "ripple " + args.stream().map(RunInfo::quoted).collect(Collectors.joining(" "));
    }

    /** {@code arg} as a POSIX shell reads it back: as it is when plain, else in single quotes. */
    static String quoted(String arg) {
        return PLAIN.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    /** This run as the JSON object {@code "run"}, its end taken now. */
    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("command", command);
        n.put("startedAt", startedAt.toString());
        n.put("writtenAt", Instant.now().toString());
        n.put("host", MachineFacts.hostName());
        n.put("cores", MachineFacts.cores());
        MachineFacts.memoryBytes().ifPresent(bytes -> n.put("memoryBytes", bytes));
        n.put("os", MachineFacts.os());
        n.put("java", Runtime.version().toString());
        String version = RippleCommand.class.getPackage().getImplementationVersion();
        n.put("ripple", version == null ? "dev" : version); // the JDK is "java" above
        putLoad(n, "loadAverageAtStart", loadAtStart);
        putLoad(n, "loadAverageAtEnd", MachineFacts.loadAverage());
        return n;
    }

    private static void putLoad(ObjectNode n, String name, double load) {
        if (load >= 0) {
            n.put(name, load);
        } else {
            n.putNull(name);
        }
    }
}
