package dev.ripple.io.reader;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(UringAvailable.class)
class UringReaderTest extends ExtentReaderContractTest {
    @Override
    ExtentReader open(Path path, int queueDepth) throws IOException {
        return UringReader.open(path, queueDepth);
    }

    @Override
    boolean writesFromWorkerThreads() {
        return false;
    }
}
