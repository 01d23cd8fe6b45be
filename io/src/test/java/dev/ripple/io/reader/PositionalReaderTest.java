package dev.ripple.io.reader;

import java.io.IOException;
import java.nio.file.Path;

class PositionalReaderTest extends ExtentReaderContractTest {
    @Override
    ExtentReader open(Path path, int queueDepth) throws IOException {
        return PositionalReader.open(path, queueDepth);
    }
}
