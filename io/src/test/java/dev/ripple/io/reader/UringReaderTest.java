package dev.ripple.io.reader;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;

class UringReaderTest extends ExtentReaderContractTest {
    @Override
    ExtentReader open(Path path, int queueDepth) throws IOException {
        assumeTrue(
                UringReader.available(),
                () -> "io_uring unavailable here: "
                        + UringReader.unavailableReason().orElse(""));
        return UringReader.open(path, queueDepth);
    }

    @Override
    boolean writesFromWorkerThreads() {
        return false;
    }
}
