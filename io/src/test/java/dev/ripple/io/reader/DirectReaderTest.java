package dev.ripple.io.reader;

import java.io.IOException;
import java.nio.file.Path;

class DirectReaderTest extends ExtentReaderContractTest {
    @Override
    ExtentReader open(Path path, int queueDepth) throws IOException {
        return DirectReader.open(path, queueDepth);
    }
}
