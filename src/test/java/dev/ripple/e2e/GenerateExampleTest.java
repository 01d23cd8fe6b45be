package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's generation example is code that compiles and runs: it is cut out of README.md,
 * wrapped in a class, compiled against the project's class path and run on a generated model
 * prepared the way the README says.
 */
class GenerateExampleTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeExampleCompilesAndGenerates() throws Exception {
        Path opt = dir.resolve("opt");
        assertEquals(
                0,
                RippleRun.inProcess(
                                "synth",
                                "--preset",
                                "tiny-opt",
                                "--vocab",
                                "50272",
                                "--positions",
                                "2048",
                                "--active",
                                "0.1",
                                "--out",
                                opt.toString())
                        .exit());
        Path trace = dir.resolve("t.rtrace");
        assertEquals(
                0,
                RippleRun.inProcess(
                                "profile",
                                "--model",
                                opt.toString(),
                                "--out",
                                trace.toString(),
                                "--max-tokens",
                                "800",
                                "--work",
                                dir.resolve("work").toString(),
                                "--quiet")
                        .exit());
        Path model = dir.resolve("opt.ripple");
        assertEquals(
                0,
                RippleRun.inProcess(
                                "place",
                                "--model",
                                opt.toString(),
                                "--trace",
                                trace.toString(),
                                "--out",
                                model.toString(),
                                "--quiet")
                        .exit());

        String preamble = """
                import dev.ripple.core.model.decoder.*;
                import dev.ripple.core.runtime.*;
                import dev.ripple.core.tensor.DType;
                import dev.ripple.core.tokenizer.Tokenizer;
                import java.nio.file.Path;
                import org.eclipse.collections.impl.factory.primitive.IntSets;

                public class ReadmeExample {
                    public static void main(String[] args) throws Exception {
                """;
        String out = ReadmeExamples.run(
                "generate",
                preamble,
                Map.of("Path.of(\"opt-1.3b.ripple\")", "Path.of(args[0])"),
                new String[] {model.toString()},
                dir);
        assertTrue(out.contains("tokens/s") && out.contains("ms of I/O per token"), out);
    }
}
