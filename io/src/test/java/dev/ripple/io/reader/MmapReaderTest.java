package dev.ripple.io.reader;

import java.io.IOException;
import java.nio.file.Path;

class MmapReaderTest extends ExtentReaderContractTest {
    @Override
    ExtentReader open(Path path, int queueDepth) throws IOException {
        return MmapReader.open(path, queueDepth);
    }
}
