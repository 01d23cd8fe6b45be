package dev.ripple.e2e;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM's main of {@link RippleRun#childJvmRuns}: runs several {@code ripple} command lines
 * one after another, each as {@link RippleRun#inProcess} runs it, and writes their runs as JSON.
 *
 * <p>A test that needs a JVM-wide switch ({@code -Dripple.nativeio.disabled=true}, read once per
 * JVM) for several commands then starts one JVM for all of them instead of one each: a JVM's start
 * and its first command's cold code cost seconds on the 2-core build machine.
 */
final class RippleRunsMain {
    private RippleRunsMain() {}

    /** {@code args}: a JSON file holding the command lines (arrays of strings), and the file the runs go to. */
    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<List<String>> commands = json.readValue(Path.of(args[0]).toFile(), new TypeReference<>() {});
        List<RippleRun> runs = new ArrayList<>();
        for (List<String> command : commands) {
            runs.add(RippleRun.inProcess(command.toArray(String[]::new)));
        }
        json.writeValue(Path.of(args[1]).toFile(), runs);
    }
}
