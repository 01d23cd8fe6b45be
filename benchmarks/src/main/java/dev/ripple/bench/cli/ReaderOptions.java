package dev.ripple.bench.cli;

import dev.ripple.bench.harness.Demo;
import dev.ripple.io.reader.ReaderKind;
import picocli.CommandLine.Option;

/**
 * {@code --reader}: how bundles are read from flash. A picocli mixin of {@link IoOptions} and of
 * demo, which takes the reader but not the queue depth or an emulated device, so that the option
 * has one name, default and help wherever it appears. The default is the demo's ({@link
 * Demo.Settings#DEFAULT_READER}, direct I/O), which every command shares.
 */
final class ReaderOptions {
    @Option(
            names = "--reader",
            defaultValue = Demo.Settings.DEFAULT_READER,
            description = "direct, io_uring, mmap or pread (default: ${DEFAULT-VALUE})")
    String reader;

    ReaderKind kind() {
        return ReaderKind.parse(reader);
    }
}
