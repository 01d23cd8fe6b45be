package dev.ripple.bench.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every command that does long work shares: where it keeps what it makes, and whether
 * it draws progress. A picocli mixin, so that their names, defaults and help read the same everywhere.
 */
final class WorkOptions {
    @Option(
            names = "--work",
            converter = PathArguments.OutputDirectory.class,
            defaultValue = "ripple-work",
            paramLabel = "DIR",
            description =
                    "directory for the unpacked default model, imported checkpoints, traces, model files and plots "
                            + "(default: ${DEFAULT-VALUE})")
    Path work;

    @Option(names = "--quiet", description = "no progress bars or step lines")
    boolean quiet;
}
