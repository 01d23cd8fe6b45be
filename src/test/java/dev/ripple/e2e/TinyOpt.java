package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The generated OPT-style checkpoint several test classes run on: tiny-opt with GPT-2's real
 * vocabulary and planted co-activation (10% of the neurons active, in 8 clusters). The commands only
 * read a model directory, so it is synthesized once per test JVM, in a directory of its own under
 * {@code target/}.
 */
final class TinyOpt {
    private TinyOpt() {}

    static Path dir() {
        return Holder.DIR;
    }

    private static final class Holder {
        static final Path DIR = synthesize();

        private static Path synthesize() {
            Path opt;
            try {
                opt = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "tiny-opt-")
                        .resolve("opt");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            RippleRun synth = DecoderSteps.synthClustered(opt, "tiny-opt", 50272);
            assertTrue(synth.out().contains("generated weights"), synth.out());
            return opt;
        }
    }
}
