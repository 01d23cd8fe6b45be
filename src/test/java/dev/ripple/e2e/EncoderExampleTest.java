package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.bench.cli.UnpackedDefaultModel;
import dev.ripple.io.device.DevicePresets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's encoder example is code that compiles and runs: it is cut out of README.md, wrapped
 * in a class, compiled against the project's class path and run on the real all-MiniLM-L6-v2 placed
 * by {@code ripple place} (its tokenizer stored in the file), with a device profile file as
 * {@code ripple calibrate} writes one.
 */
class EncoderExampleTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeExampleCompilesAndEmbeds() throws Exception {
        String work = dir.resolve("work").toString();
        UnpackedDefaultModel.linkInto(Path.of(work));
        // the placement's trace only (its FFN input moments fit the low-rank predictor): no assertion
        // looks at how well it places
        Path trace = DefaultModelTrace.path();
        Path model = dir.resolve("model.ripple");
        RippleRun.succeeds(
                "place",
                "--trace",
                trace.toString(),
                "--algorithm",
                "ripple+",
                "--rank",
                "16",
                "--out",
                model.toString(),
                "--work",
                work,
                "--quiet");
        Path device = dir.resolve("device-profile.json");
        Files.writeString(device, DevicePresets.resolve("ufs-4.0").toJson());

        String preamble = """
                import dev.ripple.core.activity.PredictorKind;
                import dev.ripple.core.model.TokenStats;
                import dev.ripple.core.model.bert.EncoderModel;
                import dev.ripple.core.runtime.*;
                import dev.ripple.core.tokenizer.Tokenizer;
                import dev.ripple.io.device.DeviceProfile;
                import java.nio.file.Path;

                public class ReadmeExample {
                    public static void main(String[] args) throws Exception {
                """;
        String out = ReadmeExamples.run(
                "encoder",
                preamble,
                Map.of(
                        "Path.of(\"ripple-work/model.ripple\")", "Path.of(args[0])",
                        "Path.of(\"device-profile.json\")", "Path.of(args[1])"),
                new String[] {model.toString(), device.toString()},
                dir);

        Matcher m = Pattern.compile(
                        "(\\d+) floats; one token: (\\d+) neurons, (\\d+) reads; hit rate ([0-9.]+), (\\d+) reads")
                .matcher(out);
        assertTrue(m.find(), out);
        assertEquals("384", m.group(1), "MiniLM embeds in 384 dimensions: " + out);
        int neurons = Integer.parseInt(m.group(2));
        assertTrue(neurons > 0 && neurons < 1536, "the predictor chose some of the layer's 1536 neurons: " + out);
        assertTrue(Long.parseLong(m.group(5)) >= Integer.parseInt(m.group(3)), "the model counts every read: " + out);
        assertTrue(Long.parseLong(m.group(5)) > 0, "the FFN bundles were read from the file: " + out);
    }
}
