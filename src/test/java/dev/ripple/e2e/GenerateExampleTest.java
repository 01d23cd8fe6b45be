package dev.ripple.e2e;

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
        RippleRun.succeeds(
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
                opt.toString());
        Path trace = dir.resolve("t.rtrace");
        DecoderSteps.profile(opt, trace, 800, dir.resolve("work"));
        Path model = dir.resolve("opt.ripple");
        DecoderSteps.place(opt, trace, model);

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
